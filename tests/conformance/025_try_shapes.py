# try/except/else/finally in all shapes; finally with return, break, continue.
def attempt(x):
    try:
        print("  try", x)
        r = 10 // x
    except ZeroDivisionError as e:
        print("  except", e)
        return "from except"
    else:
        print("  else", r)
        return "from else"
    finally:
        print("  finally")

print(attempt(2))
print(attempt(0))

def finally_overrides():
    try:
        return "try"
    finally:
        return "finally"

def finally_swallows():
    try:
        raise ValueError("lost")
    finally:
        return "swallowed"

print(finally_overrides(), finally_swallows())

def tuple_except(v):
    try:
        if v == 1:
            raise KeyError("key")
        if v == 2:
            raise IndexError("idx")
        if v == 3:
            raise TypeError("type")
        return "no error"
    except (KeyError, IndexError) as e:
        return f"tuple caught {type(e).__name__}: {e}"
    except:
        return "bare except caught"

print([tuple_except(v) for v in range(4)])

def nested(v):
    try:
        try:
            if v:
                raise ValueError("inner")
            print("  inner ok")
        except TypeError:
            print("  never")
        finally:
            print("  inner finally")
        print("  after inner")
    except ValueError as e:
        print("  outer caught", e)
    finally:
        print("  outer finally")

nested(0)
nested(1)

for i in range(5):
    try:
        if i == 1:
            continue
        if i == 3:
            break
        print("body", i)
    finally:
        print("finally", i)
else:
    print("no else: loop broke")

def count_finally():
    n = 0
    while True:
        try:
            n += 1
            if n == 3:
                return n
        finally:
            print("  leaving iteration", n)

print(count_finally())

try:
    pass
except Exception:
    print("not reached")
else:
    print("else without error")
finally:
    print("finally without error")

try:
    try:
        raise ValueError("first")
    finally:
        print("cleanup runs before propagation")
except ValueError as e:
    print("propagated", e)

try:
    try:
        raise ValueError("original")
    except ValueError:
        raise TypeError("replacement")
except TypeError as e:
    print("got", repr(e))

def else_raises():
    try:
        pass
    except ValueError:
        return "not this"
    else:
        raise RuntimeError("from else")

try:
    else_raises()
except RuntimeError as e:
    print("else raised", e)
e = "rebound"
try:
    raise KeyError("x")
except KeyError as e:
    print("inside", repr(e))
try:
    print(e)
except NameError as ne:
    print("NameError:", ne)

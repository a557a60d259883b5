# raise, bare re-raise, raise ... from ..., exceptions as values.
def parse(text):
    try:
        return int(text)
    except ValueError as e:
        raise RuntimeError(f"cannot parse {text!r}") from e

for t in ["12", "x1"]:
    try:
        print("parsed", parse(t))
    except RuntimeError as e:
        print("error:", e)
        print("cause:", repr(e.__cause__))
        print("cause type:", type(e.__cause__).__name__)

def log_and_reraise(x):
    try:
        return 1 / x
    except ZeroDivisionError:
        print("logging, then re-raising")
        raise

try:
    log_and_reraise(0)
except ZeroDivisionError as e:
    print("outer got:", e)

def suppressed():
    try:
        raise KeyError("inner")
    except KeyError:
        raise ValueError("outer") from None

try:
    suppressed()
except ValueError as e:
    print(repr(e), e.__cause__)

errors = [ValueError("v"), TypeError("t"), KeyError("k")]
for err in errors:
    try:
        raise err
    except (ValueError, TypeError) as e:
        print("caught", repr(e), e is err)
    except KeyError as e:
        print("lookup", repr(e))

try:
    raise ValueError
except ValueError as e:
    print("class raised:", repr(e), repr(str(e)))

def retry(times):
    for attempt in range(1, times + 1):
        try:
            if attempt < 3:
                raise RuntimeError(f"attempt {attempt} failed")
            return f"succeeded on attempt {attempt}"
        except RuntimeError as e:
            print("  retry:", e)
    raise RuntimeError("gave up")

print(retry(5))
try:
    retry(2)
except RuntimeError as e:
    print("final:", e)

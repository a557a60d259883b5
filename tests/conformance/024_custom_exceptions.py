# Custom exceptions: hierarchy, args, str and repr, extra attributes.
class AppError(Exception):
    pass

class ValidationError(AppError):
    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field

class NotFound(AppError):
    def __str__(self):
        return "custom str for NotFound"

class Quiet(Exception):
    def __init__(self):
        super().__init__()

def check(value):
    if value is None:
        raise NotFound("missing", 404)
    if value < 0:
        raise ValidationError("value", "must be >= 0")
    if value == 0:
        raise AppError()
    if value > 100:
        raise Quiet()
    return value

for v in [5, -1, None, 0, 1000]:
    try:
        print("ok", check(v))
    except ValidationError as e:
        print("validation:", e, "|", repr(e), "|", e.field, e.args)
    except AppError as e:
        print("app error:", type(e).__name__, str(e), repr(e), e.args)
    except Exception as e:
        print("other:", type(e).__name__, repr(str(e)), repr(e))

print(repr(ValueError("x")), repr(ValueError("a", 1)), repr(ValueError()), str(ValueError("a", 1)))
print(str(KeyError("k")), repr(KeyError("k")), str(KeyError(3)), str(IndexError("i")))
print(repr(RuntimeError("it's")), str(TypeError('say "hi"')), repr(Exception("multi\nline")))
print(isinstance(ValidationError("f", "m"), Exception), isinstance(NotFound(), AppError))
print(isinstance(ZeroDivisionError(), Exception), isinstance(KeyError(), BaseException), isinstance(KeyError(), ValueError))
print(type(AppError()).__name__, type(ValidationError("a", "b")).__name__)
err = ValidationError("name", "too short")
print(err.args[0], err.field, f"{err}", f"{err!r}")
try:
    raise AppError("with", "several", "args")
except AppError as e:
    print(e, e.args, len(e.args))

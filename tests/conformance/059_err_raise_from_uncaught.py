# An uncaught exception chained with raise ... from ...
class ConfigError(Exception):
    pass

def load(settings, key):
    try:
        return settings[key]
    except KeyError as e:
        raise ConfigError(f"missing setting {key!r}") from e

settings = {"debug": True}
print("debug =", load(settings, "debug"))
print("port =", load(settings, "port"))

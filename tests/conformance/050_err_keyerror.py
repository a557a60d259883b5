# Uncaught KeyError: the last line quotes the key.
config = {"host": "localhost", "port": 8080}
for key in ["host", "port"]:
    print(key, config[key])
print(config["k"])

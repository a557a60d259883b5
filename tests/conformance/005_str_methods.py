# The common str methods and operators.
s = "  Hello, World  "
print("[" + s.strip() + "]", "[" + s.lower() + "]", "[" + s.upper() + "]")
print("xxhixx".strip("x"), "--a-b--".strip("-"), "\t\n pad \n".strip())
print("a,b,,c".split(","), "a b  c\td\n".split(), "one two three".split(" ", 1))
print("".split(), "".split(","), "abc".split("b"), "a-b-c".split("-", 0))
print("-".join(["a", "b", "c"]), "".join(["x", "y"]), ", ".join([]), " ".join("abc"))
print("banana".replace("a", "o"), "banana".replace("an", "AN", 1), "aaa".replace("", "-"))
print("hello".startswith("he"), "hello".startswith("lo"), "hello".endswith("lo"))
print("hello".startswith(("x", "h")), "hello".endswith(("x", "y")), "".startswith(""))
print("{} + {} = {}".format(1, 2, 3), "{1}{0}{1}".format("a", "b"), "{x}-{y}".format(x=1, y=2))
print("{:>6}|{:<6}|{:^6}|".format("r", "l", "c"), "{:.3f}".format(3.14159), "{!r}".format("q"))
t = "Python"
print(t[0], t[-1], t[1:4], t[::-1], t[::2], t[10:], len(t), t * 2, t + "!" * 3)
print("th" in "python", "x" not in "python", "" in "abc", "abc" < "abd", "Z" < "a")
print("a" * 0, "ab" * -1, 3 * "ab", "abc" == "abc", "abc" != "ABC".lower())
print(str(12), str(1.5), str(None), str(True), str([1, "a"]), str("s"))
words = "the quick brown fox".split()
print([w.upper() for w in words], "-".join(w[0] for w in words))
print("CamelCase".lower().upper(), "MiXeD".lower() if False else "not taken")
count = 0
for ch in "mississippi":
    if ch == "s":
        count += 1
print(count, "mississippi".replace("ss", "SS"), "mississippi".split("ss"))

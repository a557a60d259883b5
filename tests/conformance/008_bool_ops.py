# and / or return an operand; not returns a bool; short-circuiting.
def t(label, value):
    print("  eval", label)
    return value

print(1 and 2, 0 and 2, 1 or 2, 0 or 2, None or "default", "" or 0)
print([] and "x", [0] and "x", {} or [], "a" and "b" and "c", 0 or None or "")
print(not 0, not 1, not "", not "a", not [], not None, not not 3)
print(t("a", 0) and t("b", 1))
print(t("a", 1) and t("b", 0))
print(t("a", 1) or t("b", 0))
print(t("a", 0) or t("b", 0) or t("c", 5))
print(t("a", 1) and t("b", 2) or t("c", 3))
print(not t("a", 0) and t("b", "yes"))
for v in [0, 1, -1, 0.0, 0.5, "", " ", [], [[]], (), (0,), {}, {0: 0}, None, True, False]:
    print(repr(v), bool(v), "truthy" if v else "falsy")
name = ""
display = name or "anonymous"
print(display)
count = 0
print(count and 10 / count)
print(bool(), bool(0), bool("0"), bool(range(0)), bool(range(1)))

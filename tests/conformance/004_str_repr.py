# repr() of strings: quote choice and escapes; str() vs repr() in containers.
samples = [
    "plain",
    "",
    "it's",
    'say "hi"',
    "both ' and \"",
    "new\nline",
    "tab\there",
    "back\\slash",
    "carriage\rreturn",
    "nul\x00byte",
    "bell\x07 del\x7f esc\x1b",
    "caf\xe9",
    "na\u00efve \u00fcber",
    "nbsp\xa0here",
    "snow \u2603 man",
    "greek \u03b1\u03b2\u03b3",
    "\u00ff\u0100",
    "quote ' and \\ backslash",
]
for s in samples:
    print(repr(s), len(s))
print(samples[:3])
print(("x\ty", "a'b"), {"k\n": "v\\"})
print(str("a\tb"), "[" + "a\\nb" + "]")
print(repr(repr("x")), repr('"'), repr("'"), repr("\\"))
print("\x41\x42\u0043", "\101\102", "\u2022" == "\U00002022")
print("""triple
quoted""", '''single 'triple' "mixed"''')
print("adjacent" " literals" ' joined')
print(r"raw \n stays", repr(r"raw \t"), len(r"\n"))

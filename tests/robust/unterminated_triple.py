doc = '''begins here
and never
ends

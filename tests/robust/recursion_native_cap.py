class Loop:
    def __iter__(self):
        return iter(list(Loop()))

list(Loop())

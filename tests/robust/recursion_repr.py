class Node:
    def __repr__(self):
        return f'Node({self!r})'

print(Node())

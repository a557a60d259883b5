# a scenario with nothing in it
# but comments

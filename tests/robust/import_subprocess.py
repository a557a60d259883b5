from subprocess import run
run(['ls'])

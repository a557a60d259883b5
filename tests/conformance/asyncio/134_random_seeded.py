# random with an explicit seed: the Mersenne Twister sequence of CPython.
import random

random.seed(42)
print(random.random(), random.random())
print(random.uniform(1, 10), random.uniform(-5, 5))
print([random.randint(1, 6) for _ in range(10)])
print([random.randrange(10) for _ in range(5)], random.randrange(5, 50, 5), random.randrange(-10, 10))
print(random.choice(["red", "green", "blue"]), random.choice("abcdef"), random.choice(range(100)))
deck = list(range(10))
random.shuffle(deck)
print(deck)
print(random.sample(range(100), 5), random.sample(["a", "b", "c", "d"], 2))
random.seed(2024)
first = [random.random() for _ in range(3)]
random.seed(2024)
print(first == [random.random() for _ in range(3)], first)
random.seed(0)
print(random.randint(0, 10 ** 9), random.randrange(2 ** 40), random.random())
random.seed(123456789)
print([round(random.uniform(0.1, 0.5), 3) for _ in range(5)])
print(random.randint(-3, 3), random.choice([True, False]), random.sample("xyz", 3))

# Single inheritance: overriding, super().__init__, super().method(), isinstance.
class Animal:
    kingdom = "animalia"
    legs = 4

    def __init__(self, name, sound="..."):
        self.name = name
        self.sound = sound
        print(f"Animal.__init__({name!r})")

    def speak(self):
        return f"{self.name} says {self.sound}"

    def describe(self):
        return f"{type(self).__name__} {self.name} with {self.legs} legs: {self.speak()}"

class Dog(Animal):
    def __init__(self, name, breed):
        super().__init__(name, "woof")
        self.breed = breed
        print(f"Dog.__init__({breed!r})")

    def speak(self):
        return super().speak() + "!"

class Puppy(Dog):
    def speak(self):
        return super().speak().upper()

class Bird(Animal):
    legs = 2

    def describe(self):
        base = super().describe()
        return base + " (can fly)"

class Fish(Animal):
    legs = 0

animals = [Animal("generic"), Dog("rex", "lab"), Puppy("bit", "pug"), Bird("tweety", "tweet"), Fish("nemo")]
for a in animals:
    print(a.describe())
print([type(a).__name__ for a in animals])
print([isinstance(a, Dog) for a in animals], [isinstance(a, Animal) for a in animals])
print(isinstance(animals[2], (Bird, Dog)), isinstance(3, (str, Animal)))
print(Puppy.kingdom, Puppy.legs, animals[2].breed, Bird.legs, Animal.legs)
Animal.legs = 6
print(animals[1].legs, animals[3].legs, animals[4].legs)

class Base:
    def __init__(self):
        self.log = ["Base"]
    def hook(self):
        return "base hook"
    def run(self):
        return f"run -> {self.hook()}"

class Derived(Base):
    def __init__(self):
        super().__init__()
        self.log.append("Derived")
    def hook(self):
        return "derived hook"

d = Derived()
print(d.log, d.run(), Base().run())

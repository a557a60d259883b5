# Comparisons, chained comparisons and their evaluation order.
def val(x):
    print("eval", x)
    return x

print(1 < 2, 2 < 1, 1 <= 1, 1 >= 2, 1 == 1, 1 != 1)
x = 5
print(1 < x < 10, 1 < x > 10, 0 <= x <= 5 < 6, x == 5 == 5.0, 1 < 3 > 2 != 1)
print(val(1) < val(2) < val(3))
print(val(3) < val(2) < val(1))
print(val(1) == val(1) != val(2))
print([1, 2, 3] < [1, 2, 4], [1, 2] < [1, 2, 0], [] < [0], [2] > [1, 9])
print((1, "b") < (1, "c"), (2,) > (1, 99), (1, 2) == (1, 2), (1, 2) != (1, 2.0))
print("apple" < "banana", "Apple" < "apple", "abc" < "abcd", "b" > "abc")
print(None == None, None != 0, 0 == False, 1 == True, 2 == True, "" == False)
print(1.0 == 1, 0.1 + 0.2 > 0.3, -0.0 == 0, float("inf") > 10 ** 18)
print({"a": 1} == {"a": 1}, {"a": 1, "b": 2} == {"b": 2, "a": 1}, [1] == (1,))
print({1, 2} == {2, 1}, [[1, 2], [3]] == [[1, 2], [3]])
nan = float("nan")
print(nan == nan, nan != nan, nan < 1, nan > 1, [nan] == [nan])
a = [3, 1, 2]
print(max(a) > min(a) >= 1, sorted(a) == [1, 2, 3], a == sorted(a))
y = 7
if 0 < y < 5:
    print("small")
elif 5 <= y < 10:
    print("medium")
else:
    print("large")

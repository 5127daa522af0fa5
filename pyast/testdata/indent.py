import numpy as np

def f(a, b):
  s = 0
  for i in range(a):
    if i % 2:
      s += i  # odd
    else:
      doc = """first
  keep
line"""
  return s

class K:
	def m(self):
		if self:
			return 1
		return 2

x = [1,
     2] ; y = 3
z = (a +
     b)
w = 1 + \
    2

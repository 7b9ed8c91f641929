"""Learn's random streams in pure Python (SplitMix64, xoshiro256**, nextUniform).

An independent implementation of the published algorithms, used by the fixture scripts to build
the same inputs the Swift tests build from the same seeds, and to pin the Swift streams.
"""

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256StarStar:
    def __init__(self, seed):
        expander = SplitMix64(seed)
        self.s = [expander.next() for _ in range(4)]

    def next(self):
        s = self.s
        result = (_rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def uniform(self):
        """A double in [0, 1) from the top 53 bits, as Swift's nextUniform()."""
        return (self.next() >> 11) * 2.0 ** -53


def uniform_matrix(rows, columns, seed, low=-1.0, high=1.0):
    """Row-major rows x columns matrix of uniforms in [low, high), as the Swift tests build it."""
    import numpy as np

    g = Xoshiro256StarStar(seed)
    values = [low + (high - low) * g.uniform() for _ in range(rows * columns)]
    return np.array(values, dtype=np.float64).reshape(rows, columns)


def next_int_below(g, bound):
    """Lemire's multiply-and-reject method, as Swift's nextInt(below:)."""
    product = g.next() * bound
    low = product & MASK
    if low < bound:
        threshold = ((1 << 64) - bound) % bound
        while low < threshold:
            product = g.next() * bound
            low = product & MASK
    return product >> 64


def shuffle(g, values):
    """Fisher-Yates from the last element down, as Swift's shuffle(_:)."""
    i = len(values) - 1
    while i > 0:
        j = next_int_below(g, i + 1)
        values[i], values[j] = values[j], values[i]
        i -= 1


def permutation(g, n):
    values = list(range(n))
    shuffle(g, values)
    return values


def sample(g, k, n):
    """Partial Fisher-Yates from the front, as Swift's sample(_:from:)."""
    pool = list(range(n))
    for i in range(k):
        j = i + next_int_below(g, n - i)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def derive(seed, index):
    """SplitMix64.derive(seed, index): a well-mixed per-job seed."""
    mixer = SplitMix64(seed ^ ((index * 0xD1B54A32D192ED03) & MASK))
    mixer.next()
    return mixer.next()

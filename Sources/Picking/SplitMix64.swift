/// A small, fast, seedable random generator, so simulations and tests are reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts the sequence at `seed`.
    public init(seed: UInt64) { state = seed }

    /// Starts from a random seed.
    public init() { state = UInt64.random(in: .min ... .max) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: spreads every input bit over the whole output.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A well-mixed 64-bit hash of `text` (FNV-1a, then mixed), stable across runs and machines.
    public static func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return mix(h)
    }
}

extension [PickCandidate] {
    /// A weighted random candidate position, using `random` in [0, 1).
    func weightedPosition(_ random: Double) -> Int {
        let total = reduce(0) { $0 + $1.weight }
        var target = random * total
        for (position, c) in enumerated() {
            target -= c.weight
            if target < 0 { return position }
        }
        return count - 1
    }
}

extension SplitMix64 {
    /// A uniform Double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

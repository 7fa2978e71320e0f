/// A Maglev lookup table (Eisenbud et al., NSDI 2016): every backend walks its own permutation of the
/// table's slots and claims free ones in turn, so each gets a share of slots proportional to its weight
/// (within one slot), and removing a backend moves few keys that were not on it.
public struct MaglevTable: Sendable {
    /// Number of slots; a prime so every permutation visits every slot.
    public static let defaultSize = 65_537

    /// Backend index per slot.
    public let slots: [Int32]

    /// Builds the table for backends identified by `names` (stable across reloads) with positive
    /// integer `weights`; `indices` are the values stored in the slots.
    public init(names: [String], weights: [Int], indices: [Int], size: Int = MaglevTable.defaultSize) {
        precondition(!names.isEmpty && names.count == weights.count && names.count == indices.count)
        let n = names.count
        let m = UInt64(size)
        let offsets = names.map { SplitMix64.hash($0, seed: 0x6d61_676c) % m }
        let skips = names.map { SplitMix64.hash($0, seed: 0x736b_6970) % (m - 1) + 1 }
        let maxWeight = Double(weights.max() ?? 1)
        var next = Array(repeating: UInt64(0), count: n)
        var credit = Array(repeating: 0.0, count: n)
        var table = Array(repeating: Int32(-1), count: size)
        var filled = 0
        fill: while true {
            for i in 0..<n {
                credit[i] += Double(weights[i]) / maxWeight
                guard credit[i] >= 1 else { continue }
                credit[i] -= 1
                var slot = Int((offsets[i] &+ next[i] &* skips[i]) % m)
                while table[slot] >= 0 {
                    next[i] += 1
                    slot = Int((offsets[i] &+ next[i] &* skips[i]) % m)
                }
                table[slot] = Int32(indices[i])
                next[i] += 1
                filled += 1
                if filled == size { break fill }
            }
        }
        slots = table
    }

    /// The backend index for a key hash.
    public func lookup(_ hash: UInt64) -> Int { Int(slots[Int(hash % UInt64(slots.count))]) }
}

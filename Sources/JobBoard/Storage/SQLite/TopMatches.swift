/// The first `capacity` matches of a search in result order, kept while matches stream past in any order, so a
/// word in 40,000 postings costs one pass and no sort of all of them.
///
/// Result order is the keyset order `SearchCursor` pages through: newest and salary descend by key, relevance
/// (bm25, lower is better) ascends; ties go to the higher id.
struct TopMatches {
    private(set) var ordered: [(id: Int64, key: Double)] = []
    let capacity: Int
    let sort: JobSearch.Sort
    let after: SearchCursor?

    init(capacity: Int, sort: JobSearch.Sort, after: SearchCursor?) {
        self.capacity = capacity
        self.sort = sort
        self.after = after
        ordered.reserveCapacity(capacity)
    }

    var isFull: Bool { ordered.count == capacity }

    /// Whether `a` comes before `b` in the results.
    func precedes(_ a: (id: Int64, key: Double), _ b: (id: Int64, key: Double)) -> Bool {
        if a.key != b.key { return sort == .relevance ? a.key < b.key : a.key > b.key }
        return a.id > b.id
    }

    mutating func offer(id: Int64, key: Double) {
        let match = (id: id, key: key)
        if let after, !precedes((after.id, after.key), match) { return }
        if ordered.count == capacity {
            guard let last = ordered.last, precedes(match, last) else { return }
            ordered.removeLast()
        }
        var low = 0
        var high = ordered.count
        while low < high {
            let middle = (low + high) / 2
            if precedes(ordered[middle], match) { low = middle + 1 } else { high = middle }
        }
        ordered.insert(match, at: low)
    }
}

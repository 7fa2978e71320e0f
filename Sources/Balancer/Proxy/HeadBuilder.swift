/// Appends the pieces of a head the proxy sends into memory reserved for it once, so that writing a head costs
/// one buffer access instead of one per field, copy and literal.
///
/// The caller reserves an upper bound of the head's size (`HeadWriter` derives it from the received head's
/// size plus the proxy's own fields); every append checks that it stays inside the reserved memory, so a wrong
/// bound stops the process rather than writing past it.
struct HeadBuilder {
    private let target: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    private(set) var count = 0

    init(_ target: UnsafeMutableRawBufferPointer) {
        self.target = target
    }

    /// Copies `source[range]`.
    mutating func append(_ source: UnsafeRawBufferPointer, _ range: Range<Int>) {
        append(UnsafeRawBufferPointer(rebasing: source[range]))
    }

    /// Copies a literal. Literals must come here and not to ``append(contentsOf:)``: a `String` costs a retain, a
    /// release and an out-of-line call per append, and a head has about fifteen literals.
    mutating func append(_ literal: StaticString) {
        append(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Copies the UTF-8 of `text`, a value known only at run time (a name from the configuration, an address).
    mutating func append(contentsOf text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Lets `fill` write exactly `length` bytes in place.
    mutating func append(length: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(count + length <= target.count, "head larger than its reserved bound")
        fill(UnsafeMutableRawBufferPointer(rebasing: target[count..<(count + length)]))
        count += length
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(count + bytes.count <= target.count, "head larger than its reserved bound")
        (target.baseAddress! + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }
}

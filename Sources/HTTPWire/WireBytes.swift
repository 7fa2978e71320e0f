/// Byte-level checks of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112), on raw buffer pointers so that the head
/// parser reads each byte once and builds no strings.
package enum WireBytes {
    package static let cr: UInt8 = 13
    package static let lf: UInt8 = 10
    package static let space: UInt8 = 32
    package static let tab: UInt8 = 9
    package static let colon: UInt8 = 58

    /// `tchar`: the characters of a method or a header name. One bit test per byte: header names are read for
    /// every field of every message.
    @inline(__always)
    package static func isTokenChar(_ byte: UInt8) -> Bool {
        byte < 64 ? (tokenBitsLow >> UInt64(byte)) & 1 == 1 : byte < 128 && (tokenBitsHigh >> UInt64(byte - 64)) & 1 == 1
    }

    /// Bit `b` set when byte `b` (0-63) is a `tchar`: `!#$%&'*+-.` and the digits. Literal constants, not computed
    /// statics: a computed static is read through `swift_once` on every byte (0.2 µs per request, measured);
    /// `tokenBits(in:)` derives them from the grammar, and a test checks that they agree.
    package static let tokenBitsLow: UInt64 = 0x03FF_6CFA_0000_0000
    /// Bit `b` set when byte `b + 64` (64-127) is a `tchar`: the letters and ^ _ ` | ~.
    package static let tokenBitsHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE

    /// The `tchar` bits of the bytes in `range` (64 of them), from RFC 9110's grammar.
    package static func tokenBits(in range: Range<UInt8>) -> UInt64 {
        var bits: UInt64 = 0
        for byte in range {
            let isToken: Bool
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                isToken = true
            default:
                isToken = "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
            if isToken { bits |= 1 << UInt64(byte - range.lowerBound) }
        }
        return bits
    }

    /// A byte allowed inside a field value: visible ASCII, space, tab, or obs-text. No other control characters.
    @inline(__always)
    package static func isValueChar(_ byte: UInt8) -> Bool {
        byte >= 0x20 ? byte != 0x7F : byte == tab
    }

    /// Whether any of the eight bytes in `word` is a control character (below 0x20, or 0x7F). Exact: the bit tricks
    /// flag a byte below 0x20 (`(x - 0x20…) & ~x & 0x80…`) and a zero byte of `x ^ 0x7F…`, never a byte that is not.
    @inline(__always)
    package static func hasControlByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below20 = (word &- ones &* 0x20) & ~word & highs
        let del = word ^ (ones &* 0x7F)
        let isDEL = (del &- ones) & ~del & highs
        return below20 | isDEL != 0
    }

    /// A byte of a request target: visible ASCII (no spaces or controls) or obs-text.
    @inline(__always)
    package static func isTargetChar(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte != 0x7F
    }

    @inline(__always)
    package static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// Whether `bytes[range]` equals the lowercase ASCII `lowercase`, ignoring ASCII case.
    package static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        var offset = 0
        for index in range {
            guard lowercased(bytes[index]) == expected[offset] else { return false }
            offset += 1
        }
        return true
    }

    /// Whether two ranges of `bytes` hold the same text, ignoring ASCII case.
    package static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        var j = b.lowerBound
        for i in a {
            guard lowercased(bytes[i]) == lowercased(bytes[j]) else { return false }
            j += 1
        }
        return true
    }

    /// Whether `bytes[range]` equals the UTF-8 of `text`, ignoring ASCII case. (Named apart from the `StaticString`
    /// form so that a literal never picks this slower one.)
    package static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, text: String) -> Bool {
        var index = range.lowerBound
        for byte in text.utf8 {
            guard index < range.upperBound, lowercased(bytes[index]) == lowercased(byte) else { return false }
            index += 1
        }
        return index == range.upperBound
    }

    /// `range` without leading and trailing spaces and tabs.
    package static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, bytes[start] == space || bytes[start] == tab { start += 1 }
        while end > start, bytes[end - 1] == space || bytes[end - 1] == tab { end -= 1 }
        return start..<end
    }

    /// The decimal number in `bytes[range]`: digits only, at most 18 of them (no sign, no list, no spaces).
    package static func decimal(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var value = 0
        for index in range {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// Calls `body` with each comma-separated element of `bytes[range]`, trimmed, skipping empty ones.
    package static func forEachListElement(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ body: (Range<Int>) -> Void) {
        var start = range.lowerBound
        while start <= range.upperBound {
            var end = start
            while end < range.upperBound, bytes[end] != UInt8(ascii: ",") { end += 1 }
            let element = trimmed(bytes, start..<end)
            if !element.isEmpty { body(element) }
            start = end + 1
        }
    }
}

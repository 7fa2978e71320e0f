import HTTPWire
import Picking

/// Makes values for `X-Request-ID` when the client did not send one: 32 hex digits.
///
/// Each client connection owns one generator, seeded once from the system's secure source; ids are
/// unique and unpredictable enough for correlation (they are not secrets), without a `getrandom`
/// system call per request.
struct RequestIdentifier {
    private var generator: SplitMix64

    init() {
        var system = SystemRandomNumberGenerator()
        generator = SplitMix64(seed: system.next())
    }

    /// 32 lowercase hex digits from two random 64-bit values, written straight into one string's storage.
    mutating func make() -> String {
        let (high, low) = (generator.next(), generator.next())
        return String(unsafeUninitializedCapacity: 32) { buffer in
            Self.fill(buffer, high, low)
            return 32
        }
    }

    /// Writes a new id straight into the head the proxy sends upstream.
    mutating func write(into head: inout HeadBuilder) {
        let (high, low) = (generator.next(), generator.next())
        head.append(length: 32) { raw in
            Self.fill(UnsafeMutableBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 32), high, low)
        }
    }

    private static func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>, _ high: UInt64, _ low: UInt64) {
        for position in 0..<16 {
            let shift = UInt64(60 - 4 * position)
            buffer[position] = digits[Int((high >> shift) & 0xF)]
            buffer[16 + position] = digits[Int((low >> shift) & 0xF)]
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)
}

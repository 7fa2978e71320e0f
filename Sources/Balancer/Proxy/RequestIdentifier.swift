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
        let high = generator.next()
        let low = generator.next()
        return String(unsafeUninitializedCapacity: 32) { buffer in
            for position in 0..<16 {
                let shift = UInt64(60 - 4 * position)
                buffer[position] = Self.digits[Int((high >> shift) & 0xF)]
                buffer[16 + position] = Self.digits[Int((low >> shift) & 0xF)]
            }
            return 32
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)
}

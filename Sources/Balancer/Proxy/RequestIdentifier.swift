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

    mutating func make() -> String {
        Self.hex(generator.next()) + Self.hex(generator.next())
    }

    private static func hex(_ value: UInt64) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

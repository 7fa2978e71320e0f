/// Numbers written as ASCII digits straight into a log line, with no `String` in between.
extension Array where Element == UInt8 {
    /// Appends `value` in as many digits as it needs (a negative value, which no count should be, as 0).
    mutating func appendDecimal(_ value: Int) {
        let value = Swift.max(value, 0)
        if value >= 10 { appendDecimal(value / 10) }
        append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Appends `value` in exactly `count` digits: zeros in front of a shorter one, the last `count` of a longer one.
    mutating func appendDigits(_ value: Int64, count: Int) {
        var divisor: Int64 = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}

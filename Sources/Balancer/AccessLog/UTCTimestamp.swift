#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A wall-clock time written as ISO 8601 in UTC with milliseconds (`2026-11-26T09:14:03.512Z`), for log lines.
///
/// Computed from the Unix time with integer arithmetic (the proleptic Gregorian calendar, days to year, month
/// and day), so writing one costs no formatter, no locale and no allocation.
struct UTCTimestamp: Equatable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    let millisecondsSince1970: Int64

    /// The latest time written: 9999-12-31T23:59:59.999Z.
    static let latest: Int64 = 253_402_300_799_999

    /// A time from the Unix epoch's milliseconds, held within 1970 to 9999 (a clock set outside that cannot make a
    /// line that is not ISO 8601).
    init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = min(max(millisecondsSince1970, 0), Self.latest)
    }

    /// The system's wall clock now.
    static var now: UTCTimestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UTCTimestamp(millisecondsSince1970: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }

    /// The date and time fields: year, month 1–12, day 1–31, hour, minute, second, millisecond.
    var fields: (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, millisecond: Int64) {
        let (days, dayMilliseconds) = Self.floorDivision(millisecondsSince1970, 86_400_000)
        // Days from 0000-03-01, in 400-year eras of 146,097 days: a year that starts in March ends with the leap
        // day, so the month lengths within it do not depend on whether it is a leap year.
        let shifted = days + 719_468
        let (era, dayOfEra) = Self.floorDivision(shifted, 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let seconds = dayMilliseconds / 1000
        return (year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60, dayMilliseconds % 1000)
    }

    /// Appends the 24 bytes of the ISO 8601 form.
    func write(into out: inout [UInt8]) {
        let f = fields
        out.appendDigits(f.year, count: 4)
        out.append(UInt8(ascii: "-"))
        out.appendDigits(f.month, count: 2)
        out.append(UInt8(ascii: "-"))
        out.appendDigits(f.day, count: 2)
        out.append(UInt8(ascii: "T"))
        out.appendDigits(f.hour, count: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDigits(f.minute, count: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDigits(f.second, count: 2)
        out.append(UInt8(ascii: "."))
        out.appendDigits(f.millisecond, count: 3)
        out.append(UInt8(ascii: "Z"))
    }

    /// The ISO 8601 form as text.
    var text: String {
        var bytes: [UInt8] = []
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func floorDivision(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}

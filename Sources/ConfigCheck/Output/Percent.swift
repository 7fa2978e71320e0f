import Foundation

/// A share written for people: "77%", or "0.4%" below 1%.
struct Percent: CustomStringConvertible {
    let value: Double

    init(_ value: Double) {
        self.value = value
    }

    var description: String {
        let percent = value * 100
        return percent < 1 && percent > 0 ? String(format: "%.1f%%", percent) : String(format: "%.0f%%", percent)
    }
}

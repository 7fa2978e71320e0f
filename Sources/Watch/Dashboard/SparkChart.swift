import Foundation

/// A small SVG line chart of a few series over time: what the dashboard draws for shares, p99 and volume.
struct SparkChart {
    /// One line.
    struct Series {
        var name: String
        var values: [Double]
        var dashed = false
    }

    var title: String
    var series: [Series]
    /// The value the top of the chart stands for; nil scales to the largest value.
    var top: Double?
    var unit: String
    var width = 360.0
    var height = 120.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    func svg() -> String {
        let count = series.map(\.values.count).max() ?? 0
        let largest = series.flatMap(\.values).filter(\.isFinite).max() ?? 0
        let scale = max(top ?? largest * 1.1, 1e-9)
        let left = 4.0, bottom = height - 16, plotHeight = height - 34
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">"
        let top = unit.isEmpty ? Self.format(scale) : "\(Self.format(scale)) \(unit)"
        out += "<text x=\"4\" y=\"12\" class=\"t\">\(HTMLText.escape(title)) (top \(HTMLText.escape(top)))</text>"
        out += "<line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(width - 4)\" y2=\"\(bottom)\" stroke=\"#999\"/>"
        for (index, line) in series.enumerated() where !line.values.isEmpty {
            let color = Self.palette[index % Self.palette.count]
            let step = count > 1 ? (width - 8) / Double(count - 1) : 0
            let offset = count - line.values.count
            let points = line.values.enumerated().map { i, v in
                let x = left + Double(i + offset) * step
                let y = bottom - min(max(v.isFinite ? v : 0, 0), scale) / scale * plotHeight
                return String(format: "%.1f,%.1f", x, y)
            }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\"\(line.dashed ? " stroke-dasharray=\"4 3\"" : "") points=\"\(points)\"/>"
        }
        var legendX = left
        for (index, line) in series.enumerated() where !line.dashed {
            let color = Self.palette[index % Self.palette.count]
            out += "<text x=\"\(Int(legendX))\" y=\"\(Int(height - 3))\" fill=\"\(color)\" class=\"l\">\(HTMLText.escape(line.name))</text>"
            legendX += Double(line.name.count) * 7 + 12
        }
        return out + "</svg>"
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : value >= 1 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }
}

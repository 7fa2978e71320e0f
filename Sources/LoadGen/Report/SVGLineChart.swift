import Foundation

/// A line chart over the seconds of a test as inline SVG: axes with round ticks, one polyline per series,
/// a legend. Plain SVG so the report needs no script and no network.
struct SVGLineChart {
    struct Series {
        var name: String
        var color: String
        var dashed = false
        /// Drawn as a level across each second (counts per second) rather than a point in its middle.
        var steps = false
        /// One value per second; nil leaves a gap.
        var values: [Double?]
    }

    var unit: String
    var series: [Series]
    var width = 1000.0
    var height = 280.0

    private let left = 64.0, right = 16.0, top = 34.0, bottom = 36.0

    func render() -> String {
        let seconds = max(1, series.map(\.values.count).max() ?? 1)
        let peak = series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        let step = Self.tickStep(for: max(peak, 1e-9))
        let yMax = max(step, (peak / step).rounded(.up) * step)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ second: Double) -> Double { left + plotWidth * second / Double(seconds) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / yMax) }

        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(f(width)) \#(f(height))" role="img" class="chart">"#
        var tick = 0.0
        while tick <= yMax + step / 2 {
            svg += #"<line x1="\#(f(left))" x2="\#(f(width - right))" y1="\#(f(y(tick)))" y2="\#(f(y(tick)))" class="grid"/>"#
            svg += #"<text x="\#(f(left - 8))" y="\#(f(y(tick) + 4))" text-anchor="end">\#(Self.label(tick))</text>"#
            tick += step
        }
        svg += #"<text x="\#(f(left - 8))" y="\#(f(top - 14))" text-anchor="end" class="unit">\#(HTMLReport.escape(unit))</text>"#
        let xStep = Self.tickStep(for: Double(seconds), target: 10)
        var second = 0.0
        while second <= Double(seconds) {
            svg += #"<text x="\#(f(x(second)))" y="\#(f(height - bottom + 18))" text-anchor="middle">\#(Self.label(second))s</text>"#
            second += max(1, xStep)
        }
        svg += #"<line x1="\#(f(left))" x2="\#(f(width - right))" y1="\#(f(y(0)))" y2="\#(f(y(0)))" class="axis"/>"#
        for line in series {
            var runs: [[String]] = [[]]
            for (index, value) in line.values.enumerated() {
                guard let value else {
                    if !runs[runs.count - 1].isEmpty { runs.append([]) }
                    continue
                }
                let at = line.steps ? [Double(index), Double(index + 1)] : [Double(index) + 0.5]
                for second in at { runs[runs.count - 1].append("\(f(x(second))),\(f(y(value)))") }
            }
            let dash = line.dashed ? #" stroke-dasharray="6 4""# : ""
            for run in runs where !run.isEmpty {
                if run.count == 1 {
                    let point = run[0].split(separator: ",")
                    svg += #"<circle cx="\#(point[0])" cy="\#(point[1])" r="2.5" fill="\#(line.color)"/>"#
                } else {
                    svg += #"<polyline points="\#(run.joined(separator: " "))" fill="none" stroke="\#(line.color)" stroke-width="\#(line.dashed ? 2.5 : 2)" stroke-linejoin="round"\#(dash)/>"#
                }
            }
        }
        var legendX = left
        for line in series {
            let dash = line.dashed ? #" stroke-dasharray="6 4""# : ""
            svg += #"<line x1="\#(f(legendX))" x2="\#(f(legendX + 22))" y1="14" y2="14" stroke="\#(line.color)" stroke-width="2.5"\#(dash)/>"#
            svg += #"<text x="\#(f(legendX + 28))" y="18">\#(HTMLReport.escape(line.name))</text>"#
            legendX += 40 + Double(line.name.count) * 7.5
        }
        return svg + "</svg>"
    }

    /// A round step (1, 2 or 5 × 10ⁿ) giving about `target` ticks up to `span`.
    static func tickStep(for span: Double, target: Double = 5) -> Double {
        guard span > 0 else { return 1 }
        let raw = span / target
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where raw <= factor * magnitude { return factor * magnitude }
        return 10 * magnitude
    }

    static func label(_ value: Double) -> String {
        if value >= 1000, value.truncatingRemainder(dividingBy: 1000) == 0 { return "\(Int(value / 1000))k" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

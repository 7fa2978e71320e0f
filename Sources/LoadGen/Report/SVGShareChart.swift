import Foundation

/// Per-backend shares as horizontal bars, each with a mark at its intended share, as inline SVG: the picture
/// of an uneven balancer that the postmortem was missing.
struct SVGShareChart {
    var backends: [LoadReport.Backend]
    var width = 1000.0

    /// The colour of the intended-share marks.
    static let ink = "#212529"

    func render() -> String {
        let rowHeight = 34.0, labelWidth = 150.0, right = 150.0, top = 10.0
        let height = top + rowHeight * Double(backends.count) + 24
        let peak = max(0.01, backends.map { max($0.share, $0.intendedShare) }.max() ?? 0)
        let scale = min(1, (peak * 1.15 * 10).rounded(.up) / 10)
        let plotWidth = width - labelWidth - right
        func x(_ share: Double) -> Double { labelWidth + plotWidth * share / scale }
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(f(width)) \#(f(height))" role="img" class="chart">"#
        for (index, backend) in backends.enumerated() {
            let y = top + rowHeight * Double(index)
            let ratio = backend.intendedShare > 0 ? backend.share / backend.intendedShare : (backend.responses > 0 ? Double.infinity : 1)
            let color = ratio > 1.2 || ratio < 0.8 ? "#d9480f" : "#1971c2"
            svg += #"<text x="\#(f(labelWidth - 10))" y="\#(f(y + 21))" text-anchor="end">\#(HTMLReport.escape(backend.name))</text>"#
            svg += #"<rect x="\#(f(labelWidth))" y="\#(f(y + 6))" width="\#(f(max(1, x(backend.share) - labelWidth)))" height="20" rx="3" fill="\#(color)"/>"#
            let mark = x(backend.intendedShare)
            svg += #"<line x1="\#(f(mark))" x2="\#(f(mark))" y1="\#(f(y + 1))" y2="\#(f(y + 31))" stroke="\#(Self.ink)" stroke-width="2.5"/>"#
            let ratioText = ratio.isInfinite ? "∞" : String(format: "%.2f", ratio)
            svg += #"<text x="\#(f(width - right + 10))" y="\#(f(y + 21))">\#(String(format: "%.1f%%", backend.share * 100)) (×\#(ratioText))</text>"#
        }
        let axisY = top + rowHeight * Double(backends.count) + 16
        var tick = 0.0
        while tick <= scale + 1e-9 {
            svg += #"<text x="\#(f(x(tick)))" y="\#(f(axisY))" text-anchor="middle">\#(Int((tick * 100).rounded()))%</text>"#
            tick += scale <= 0.5 ? 0.05 : 0.1
        }
        return svg + "</svg>"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

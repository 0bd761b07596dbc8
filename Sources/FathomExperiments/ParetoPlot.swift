import Foundation

/// An SVG scatter plot of accuracy against latency: every evaluated candidate, the Pareto front, the budget line and
/// the chosen architecture, with axes, ticks and a legend.
public struct ParetoPlot {
    public struct Point {
        public let latencyMs: Double
        public let accuracy: Double
        public let feasible: Bool
    }

    public let title: String
    public let points: [Point]
    public let budgetMs: Double
    public let chosen: Point
    public let accuracyLabel: String

    private let width = 760.0, height = 500.0
    private let left = 70.0, right = 190.0, top = 40.0, bottom = 60.0

    public init(title: String, points: [Point], budgetMs: Double, chosen: Point, accuracyLabel: String) {
        self.title = title
        self.points = points
        self.budgetMs = budgetMs
        self.chosen = chosen
        self.accuracyLabel = accuracyLabel
    }

    /// The non-dominated points (higher accuracy, lower latency), sorted by latency.
    public static func front(_ points: [Point]) -> [Point] {
        var best = -Double.infinity
        return points.sorted { ($0.latencyMs, -$0.accuracy) < ($1.latencyMs, -$1.accuracy) }.filter { p in
            defer { best = max(best, p.accuracy) }
            return p.accuracy > best
        }
    }

    /// The SVG document.
    public func svg() -> String {
        let xs = points.map(\.latencyMs) + [budgetMs, chosen.latencyMs], ys = points.map(\.accuracy) + [chosen.accuracy]
        // The accuracy axis starts at the 5th percentile so that a few collapsed networks do not flatten the rest;
        // points below it are counted in the legend instead of drawn.
        let sortedY = ys.sorted()
        let floor = sortedY[Int(Double(sortedY.count - 1) * 0.05)]
        let hidden = points.filter { $0.accuracy < floor }.count
        let (x0, x1) = Self.padded(xs.min() ?? 0, xs.max() ?? 1), (y0, y1) = Self.padded(floor, sortedY.last ?? 1)
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * plotH }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(left))" y="24" font-size="15">\(Self.escape(title))</text>
        <rect x="\(f(left))" y="\(f(top))" width="\(f(plotW))" height="\(f(plotH))" fill="none" stroke="#444"/>

        """
        for tick in Self.ticks(x0, x1) {
            svg += "<line x1=\"\(f(px(tick)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(px(tick)))\" y2=\"\(f(top + plotH + 5))\" stroke=\"#444\"/>"
            svg += "<text x=\"\(f(px(tick)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        for tick in Self.ticks(y0, y1) {
            svg += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(tick)))\" x2=\"\(f(left))\" y2=\"\(f(py(tick)))\" stroke=\"#444\"/>"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 15))\" text-anchor=\"middle\">latency (ms)</text>\n"
        svg += "<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(accuracyLabel))</text>\n"
        for p in points where p.accuracy >= floor {
            svg += "<circle cx=\"\(f(px(p.latencyMs)))\" cy=\"\(f(py(p.accuracy)))\" r=\"2.5\" fill=\"\(p.feasible ? "#4a7ebb" : "#bbbbbb")\" fill-opacity=\"0.6\"/>\n"
        }
        let front = Self.front(points.filter { $0.feasible && $0.accuracy >= floor })
        if front.count > 1 {
            svg += "<polyline fill=\"none\" stroke=\"#2a9d4b\" stroke-width=\"1.5\" points=\"" + front.map { "\(f(px($0.latencyMs))),\(f(py($0.accuracy)))" }.joined(separator: " ") + "\"/>\n"
        }
        svg += "<line x1=\"\(f(px(budgetMs)))\" y1=\"\(f(top))\" x2=\"\(f(px(budgetMs)))\" y2=\"\(f(top + plotH))\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>\n"
        svg += "<circle cx=\"\(f(px(chosen.latencyMs)))\" cy=\"\(f(py(chosen.accuracy)))\" r=\"7\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>\n"
        let lx = width - right + 15
        let legend: [(String, String)] = [
            ("<circle cx=\"\(f(lx + 6))\" cy=\"%Y\" r=\"3\" fill=\"#4a7ebb\"/>", "feasible candidate"),
            ("<circle cx=\"\(f(lx + 6))\" cy=\"%Y\" r=\"3\" fill=\"#bbbbbb\"/>", "over budget"),
            ("<line x1=\"\(f(lx))\" y1=\"%Y\" x2=\"\(f(lx + 12))\" y2=\"%Y\" stroke=\"#2a9d4b\" stroke-width=\"1.5\"/>", "Pareto front"),
            ("<line x1=\"\(f(lx))\" y1=\"%Y\" x2=\"\(f(lx + 12))\" y2=\"%Y\" stroke=\"#d62728\" stroke-dasharray=\"4 2\"/>", "budget \(Self.label(budgetMs)) ms"),
            ("<circle cx=\"\(f(lx + 6))\" cy=\"%Y\" r=\"6\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>", "chosen"),
        ] + (hidden > 0 ? [("", "\(hidden) below the axis")] : [])
        for (index, (mark, text)) in legend.enumerated() {
            let y = top + 10 + Double(index) * 20
            svg += mark.replacingOccurrences(of: "%Y", with: f(y)) + "<text x=\"\(f(lx + 20))\" y=\"\(f(y + 4))\">\(Self.escape(text))</text>\n"
        }
        return svg + "</svg>\n"
    }

    private static func padded(_ low: Double, _ high: Double) -> (Double, Double) {
        let span = high - low
        let margin = span > 0 ? span * 0.05 : max(abs(low) * 0.05, 1)
        return (low - margin, high + margin)
    }

    /// About six round tick values within `low...high`.
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        let raw = (high - low) / 6
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var tick = (low / step).rounded(.up) * step
        var result: [Double] = []
        while tick <= high + step * 1e-9 {
            result.append(tick)
            tick += step
        }
        return result
    }

    private static func label(_ value: Double) -> String {
        let rounded = (value * 1e6).rounded() / 1e6
        return String(format: "%g", rounded == 0 ? 0 : rounded)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

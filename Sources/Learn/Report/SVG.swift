import Foundation

// Inline SVG for the HTML reports: a canvas with a plot area, axes with "nice" ticks (linear or
// logarithmic) and a few marks. Everything is text; no script, font or image from elsewhere.

/// Text made safe for HTML and SVG content and attribute values.
func escapeHTML(_ text: String) -> String {
  var out = ""
  out.reserveCapacity(text.count)
  for character in text {
    switch character {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    default: out.append(character)
    }
  }
  return out
}

/// A number in at most four significant digits, without trailing noise (`0.001`, `12.5`, `1e+05`).
func formatNumber(_ value: Double) -> String {
  guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
  if value == value.rounded(), abs(value) < 1e6 { return String(Int(value)) }
  return String(format: "%.4g", value)
}

/// A coordinate for SVG, two decimals (a non-finite value, which no plot should produce, as 0 so
/// the file stays valid).
private func coordinate(_ value: Double) -> String { value.isFinite ? String(format: "%.2f", value) : "0" }

/// Maps data values onto a pixel range, linearly or on a log₁₀ scale.
struct Scale {
  var lower: Double
  var upper: Double
  var start: Double
  var end: Double
  var logarithmic: Bool

  /// A scale over `values` (finite ones; an empty or constant set is widened so it has width),
  /// logarithmic when asked and every value is positive.
  init(values: [Double], start: Double, end: Double, logarithmic: Bool = false, padding: Double = 0.04) {
    let finite = values.filter { $0.isFinite && abs($0) < 1e300 }
    let log = logarithmic && !finite.isEmpty && finite.allSatisfy { $0 > 0 }
    let mapped = log ? finite.map(log10) : finite
    var lo = mapped.min() ?? 0
    var hi = mapped.max() ?? 1
    if hi - lo <= 1e-9 * Swift.max(1, abs(hi)) {
      let widen = Swift.max(0.5, abs(hi) * 1e-3)
      lo -= widen
      hi += widen
    }
    let pad = (hi - lo) * padding
    lower = lo - pad
    upper = hi + pad
    self.start = start
    self.end = end
    self.logarithmic = log
  }

  /// The pixel position of `value`.
  func callAsFunction(_ value: Double) -> Double {
    let v = logarithmic ? log10(Swift.max(value, 1e-300)) : value
    return start + (v - lower) / (upper - lower) * (end - start)
  }

  /// Round tick values inside the domain: about `count` of them. On a log scale, powers of ten
  /// (thinned to whole-decade steps), or 1-2-5 × 10ᵏ when fewer than two powers fall inside,
  /// or evenly spaced values when even those are fewer than two.
  func ticks(_ count: Int = 5) -> [Double] {
    guard logarithmic else { return niceSteps(lower, upper, count, wholeSteps: false) }
    let decades = niceSteps(lower, upper, count, wholeSteps: true)
    if decades.count >= 2 { return decades.map { pow(10, $0) } }
    let (low, high) = (pow(10, lower), pow(10, upper))
    let multiples = (Int(floor(lower))...Int(ceil(upper))).flatMap { k in [1.0, 2, 5].map { $0 * pow(10, Double(k)) } }
      .filter { $0 >= low && $0 <= high }
    if multiples.count >= 2 { return multiples }
    return niceSteps(low, high, count, wholeSteps: false).filter { $0 > 0 }
  }

  /// 1-2-5 steps over [lo, hi] (whole numbers of at least 1 when `wholeSteps`).
  private func niceSteps(_ lo: Double, _ hi: Double, _ count: Int, wholeSteps: Bool) -> [Double] {
    let span = (hi - lo) / Double(Swift.max(count, 1))
    guard span.isFinite, span > 0 else { return [] }
    let magnitude = pow(10, floor(log10(span)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= span } ?? 10 * magnitude
    let adjusted = wholeSteps ? Swift.max(step.rounded(), 1) : step
    var values: [Double] = []
    var v = ceil(lo / adjusted) * adjusted
    while v <= hi + 1e-9 * adjusted, values.count < 50 {
      values.append(abs(v) < 1e-12 * adjusted ? 0 : v)
      v += adjusted
    }
    return values
  }
}

/// An SVG drawing with a rectangular plot area inside margins. Marks are appended as elements;
/// `render` wraps them in an `<svg>` with a role, a title and `data-` attributes tests can read.
struct Canvas {
  var width: Double
  var height: Double
  var left = 58.0, right = 14.0, top = 14.0, bottom = 42.0
  private(set) var elements: [String] = []

  init(width: Double = 640, height: Double = 300) {
    self.width = width
    self.height = height
  }

  var plotLeft: Double { left }
  var plotRight: Double { width - right }
  var plotTop: Double { top }
  var plotBottom: Double { height - bottom }

  mutating func add(_ element: String) { elements.append(element) }

  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#888", width: Double = 1,
                     dashed: Bool = false, opacity: Double = 1) {
    let dash = dashed ? " stroke-dasharray=\"4 3\"" : ""
    let fade = opacity < 1 ? " stroke-opacity=\"\(coordinate(opacity))\"" : ""
    add("<line x1=\"\(coordinate(x1))\" y1=\"\(coordinate(y1))\" x2=\"\(coordinate(x2))\" y2=\"\(coordinate(y2))\" "
      + "stroke=\"\(stroke)\" stroke-width=\"\(coordinate(width))\"\(dash)\(fade)/>")
  }

  mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, opacity: Double = 1,
                         role: String? = nil, tooltip: String? = nil) {
    guard points.count >= 2 else { return }
    let list = points.map { "\(coordinate($0.0)),\(coordinate($0.1))" }.joined(separator: " ")
    let fade = opacity < 1 ? " stroke-opacity=\"\(coordinate(opacity))\"" : ""
    let tag = role.map { " class=\"\($0)\"" } ?? ""
    let body = tooltip.map { "><title>\(escapeHTML($0))</title></polyline>" } ?? "/>"
    add("<polyline\(tag) points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(coordinate(width))\"\(fade)\(body)")
  }

  mutating func circle(_ x: Double, _ y: Double, radius: Double = 3.5, fill: String, role: String = "point",
                       tooltip: String? = nil, opacity: Double = 0.85) {
    let body = tooltip.map { "><title>\(escapeHTML($0))</title></circle>" } ?? "/>"
    add("<circle class=\"\(role)\" cx=\"\(coordinate(x))\" cy=\"\(coordinate(y))\" r=\"\(coordinate(radius))\" "
      + "fill=\"\(fill)\" fill-opacity=\"\(coordinate(opacity))\"\(body)")
  }

  mutating func cross(_ x: Double, _ y: Double, size: Double = 4, stroke: String = "#c0392b", tooltip: String? = nil) {
    let d = "M\(coordinate(x - size)),\(coordinate(y - size))L\(coordinate(x + size)),\(coordinate(y + size))"
      + "M\(coordinate(x - size)),\(coordinate(y + size))L\(coordinate(x + size)),\(coordinate(y - size))"
    let body = tooltip.map { "><title>\(escapeHTML($0))</title></path>" } ?? "/>"
    add("<path class=\"failed\" d=\"\(d)\" stroke=\"\(stroke)\" stroke-width=\"1.5\" fill=\"none\"\(body)")
  }

  mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, role: String = "bar", tooltip: String? = nil) {
    let body = tooltip.map { "><title>\(escapeHTML($0))</title></rect>" } ?? "/>"
    add("<rect class=\"\(role)\" x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" width=\"\(coordinate(Swift.max(w, 0)))\" "
      + "height=\"\(coordinate(Swift.max(h, 0)))\" fill=\"\(fill)\"\(body)")
  }

  mutating func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "middle", size: Double = 11,
                     rotate: Double? = nil, fill: String = "#333") {
    let turn = rotate.map { " transform=\"rotate(\(coordinate($0)) \(coordinate(x)) \(coordinate(y)))\"" } ?? ""
    add("<text x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" text-anchor=\"\(anchor)\" font-size=\"\(coordinate(size))\" "
      + "fill=\"\(fill)\"\(turn)>\(escapeHTML(content))</text>")
  }

  /// The frame, gridlines, tick labels and axis titles of a plot over `x` and `y`.
  mutating func axes(x: Scale, y: Scale, xTitle: String, yTitle: String, xTicks: [(Double, String)]? = nil,
                     yTicks: [(Double, String)]? = nil) {
    add("<rect class=\"frame\" x=\"\(coordinate(plotLeft))\" y=\"\(coordinate(plotTop))\" "
      + "width=\"\(coordinate(plotRight - plotLeft))\" height=\"\(coordinate(plotBottom - plotTop))\" fill=\"#fafafa\" stroke=\"#bbb\"/>")
    for (value, label) in yTicks ?? y.ticks().map({ ($0, formatNumber($0)) }) {
      let p = y(value)
      line(plotLeft, p, plotRight, p, stroke: "#e4e4e4")
      text(plotLeft - 5, p + 3.5, label, anchor: "end", size: 10)
    }
    for (value, label) in xTicks ?? x.ticks().map({ ($0, formatNumber($0)) }) {
      let p = x(value)
      line(p, plotTop, p, plotBottom, stroke: "#eeeeee")
      text(p, plotBottom + 14, label, size: 10)
    }
    text((plotLeft + plotRight) / 2, height - 8, xTitle, size: 11)
    text(14, (plotTop + plotBottom) / 2, yTitle, size: 11, rotate: -90)
  }

  /// The `<svg>` element: `role` names the plot (a class tests look for), `points` how many data
  /// marks it carries.
  func render(role: String, label: String, points: Int) -> String {
    "<svg class=\"plot \(role)\" data-points=\"\(points)\" xmlns=\"http://www.w3.org/2000/svg\" "
      + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" "
      + "aria-label=\"\(escapeHTML(label))\">\n<title>\(escapeHTML(label))</title>\n"
      + elements.joined(separator: "\n") + "\n</svg>"
  }
}

/// Colours for categories (a qualitative palette readable on white).
let categoryColors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

/// A colour from light yellow-green (0) to dark blue (1), for values along a gradient.
func gradientColor(_ t: Double) -> String {
  let stops: [(Double, Double, Double)] = [(253, 231, 37), (94, 201, 98), (33, 145, 140), (59, 82, 139), (68, 1, 84)]
  let u = Swift.min(Swift.max(t.isFinite ? t : 0, 0), 1) * Double(stops.count - 1)
  let i = Swift.min(Int(u), stops.count - 2)
  let f = u - Double(i)
  let (a, b) = (stops[i], stops[i + 1])
  func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * f).rounded()) }
  return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

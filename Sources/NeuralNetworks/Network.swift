// The network's numeric core: the packed parameter layout, one workspace of buffers allocated per
// fit, and the forward and backward passes on the raw-pointer GEMM.

import Foundation
import LearnCore
import LinearAlgebra

/// Units per layer and where each layer's parameters sit in the packed vector (scikit-learn's
/// `_pack` order: all coefficients, layer by layer, then all intercepts).
struct NetworkLayout: Sendable, Hashable {
  /// `[features, hidden…, outputs]`.
  let units: [Int]
  /// Start of layer `l`'s `units[l] × units[l + 1]` coefficients.
  let coefficientOffsets: [Int]
  /// Start of layer `l`'s `units[l + 1]` intercepts.
  let interceptOffsets: [Int]
  /// Number of coefficients (they come first, so the L2 term is over `0 ..< coefficientCount`).
  let coefficientCount: Int
  /// Number of parameters.
  let parameterCount: Int

  init(units: [Int]) {
    self.units = units
    var offset = 0
    var coefficients: [Int] = []
    for l in 0..<(units.count - 1) {
      coefficients.append(offset)
      offset += units[l] * units[l + 1]
    }
    coefficientCount = offset
    var intercepts: [Int] = []
    for l in 0..<(units.count - 1) {
      intercepts.append(offset)
      offset += units[l + 1]
    }
    coefficientOffsets = coefficients
    interceptOffsets = intercepts
    parameterCount = offset
  }

  /// Weight layers (hidden layers + 1).
  var layerCount: Int { units.count - 1 }
  /// Input features.
  var inputCount: Int { units[0] }
  /// Outputs.
  var outputCount: Int { units[units.count - 1] }

  /// The packed vector as layers.
  func layers(_ packed: [Double]) -> [MLPLayer] {
    (0..<layerCount).map { l in
      let fanIn = units[l], fanOut = units[l + 1]
      let start = coefficientOffsets[l]
      let coefficients = try! Matrix(
        rowCount: fanIn, columnCount: fanOut, elements: Array(packed[start..<(start + fanIn * fanOut)]))
      let bias = interceptOffsets[l]
      return MLPLayer(coefficients: coefficients, intercepts: Array(packed[bias..<(bias + fanOut)]))
    }
  }

  /// Layers packed; throws when their shapes do not match this layout.
  func pack(_ layers: [MLPLayer]) throws(LearnError) -> [Double] {
    guard layers.count == layerCount else {
      throw .shapeMismatch("the initial weights have \(layers.count) layers; the network has \(layerCount)")
    }
    var packed = [Double](repeating: 0, count: parameterCount)
    for (l, layer) in layers.enumerated() {
      let fanIn = units[l], fanOut = units[l + 1]
      guard layer.coefficients.rowCount == fanIn, layer.coefficients.columnCount == fanOut,
            layer.intercepts.count == fanOut
      else {
        throw .shapeMismatch(
          "layer \(l) of the initial weights is \(layer.coefficients.rowCount) × \(layer.coefficients.columnCount) "
            + "with \(layer.intercepts.count) intercepts; the network needs \(fanIn) × \(fanOut) with \(fanOut)")
      }
      let values = layer.coefficients.elements + layer.intercepts
      if let bad = values.firstIndex(where: { !$0.isFinite }) {
        throw .invalidArgument(name: "initialLayers", reason: "layer \(l) holds a non-finite value at \(bad)")
      }
      packed.replaceSubrange(coefficientOffsets[l]..<(coefficientOffsets[l] + fanIn * fanOut),
                             with: layer.coefficients.elements)
      packed.replaceSubrange(interceptOffsets[l]..<(interceptOffsets[l] + fanOut), with: layer.intercepts)
    }
    return packed
  }

  /// Glorot-uniform initial weights, drawn as scikit-learn's `_init_coef` draws them: layer by
  /// layer, the coefficients row-major then the intercepts, all uniform in `±sqrt(f / (fanIn +
  /// fanOut))` with `f = 2` for logistic hidden units and 6 otherwise.
  func initialParameters(activation: MLPActivation, seed: UInt64) -> [Double] {
    var generator = Xoshiro256StarStar(seed: seed)
    var packed = [Double](repeating: 0, count: parameterCount)
    let factor = activation == .logistic ? 2.0 : 6.0
    for l in 0..<layerCount {
      let fanIn = units[l], fanOut = units[l + 1]
      let bound = (factor / Double(fanIn + fanOut)).squareRoot()
      for i in 0..<(fanIn * fanOut) { packed[coefficientOffsets[l] + i] = generator.nextUniform(-bound, bound) }
      for i in 0..<fanOut { packed[interceptOffsets[l] + i] = generator.nextUniform(-bound, bound) }
    }
    return packed
  }
}

/// Buffers for the forward and backward passes over batches of up to `capacity` rows, allocated
/// once (one block) and reused for every batch.
final class Workspace {
  let layout: NetworkLayout
  let capacity: Int
  let hidden: MLPActivation
  let output: MLPOutputActivation
  let parallelism: Parallelism
  /// `activations[l]`: the output of weight layer `l` (`capacity × units[l + 1]`).
  let activations: [UnsafeMutablePointer<Double>]
  /// `deltas[l]`: the loss gradient with respect to layer `l`'s pre-activation (same shape).
  let deltas: [UnsafeMutablePointer<Double>]
  /// The packed gradient.
  let gradient: UnsafeMutablePointer<Double>
  /// Gathered rows of x for a shuffled batch.
  let batchInput: UnsafeMutablePointer<Double>
  /// Gathered target rows for a shuffled batch.
  let batchTarget: UnsafeMutablePointer<Double>
  private let block: UnsafeMutablePointer<Double>

  init(layout: NetworkLayout, capacity: Int, hidden: MLPActivation, output: MLPOutputActivation,
       parallelism: Parallelism, training: Bool) {
    self.layout = layout
    self.capacity = capacity
    self.hidden = hidden
    self.output = output
    self.parallelism = parallelism
    let layerSizes = layout.units.dropFirst().map { $0 * capacity }
    let perPass = layerSizes.reduce(0, +)
    let total = perPass + (training
      ? perPass + layout.parameterCount + capacity * (layout.inputCount + layout.outputCount) : 0)
    block = .allocate(capacity: Swift.max(total, 1))
    block.initialize(repeating: 0, count: Swift.max(total, 1))
    var cursor = block
    var activations: [UnsafeMutablePointer<Double>] = []
    for size in layerSizes {
      activations.append(cursor)
      cursor += size
    }
    self.activations = activations
    if training {
      var deltas: [UnsafeMutablePointer<Double>] = []
      for size in layerSizes {
        deltas.append(cursor)
        cursor += size
      }
      self.deltas = deltas
      gradient = cursor
      cursor += layout.parameterCount
      batchInput = cursor
      cursor += capacity * layout.inputCount
      batchTarget = cursor
    } else {
      deltas = []
      gradient = block
      batchInput = block
      batchTarget = block
    }
  }

  deinit { block.deallocate() }

  /// The output of the last layer (`capacity × outputs`).
  var outputs: UnsafeMutablePointer<Double> { activations[activations.count - 1] }

  /// The forward pass on `rows` rows of `input` (row-major, `units[0]` wide).
  func forward(_ parameters: UnsafePointer<Double>, input: UnsafePointer<Double>, rows: Int) {
    var a = input
    var width = layout.inputCount
    let last = layout.layerCount - 1
    for l in 0...last {
      let fanOut = layout.units[l + 1]
      let z = activations[l]
      let w = parameters + layout.coefficientOffsets[l]
      if fanOut == 1 {
        // One output unit (binary classification, regression): a dot product per row; the GEMM
        // would pad the single column to its 8-wide strips.
        for i in 0..<rows { z[i] = dot(a + i &* width, w, count: width) }
      } else {
        gemm(transposeA: false, transposeB: false, m: rows, n: fanOut, k: width, alpha: 1,
             a: a, lda: width, b: w, ldb: fanOut, beta: 0, c: z, ldc: fanOut, parallelism: parallelism)
      }
      let bias = parameters + layout.interceptOffsets[l]
      if l < last {
        applyHidden(hidden, z, rows: rows, width: fanOut, bias: bias)
      } else {
        applyOutput(output, z, rows: rows, width: fanOut, bias: bias)
      }
      a = UnsafePointer(z)
      width = fanOut
    }
  }

  /// The loss on one batch and its gradient (into ``gradient``), as scikit-learn's `_backprop`:
  /// the mean data loss plus `alpha / (2 · rows) · ‖W‖²`, and gradients
  /// `(Aᵀ·δ + alpha·W) / rows`, `Σδ / rows`.
  func lossAndGradient(
    _ parameters: UnsafePointer<Double>, input: UnsafePointer<Double>, target: UnsafePointer<Double>,
    rows: Int, alpha: Double
  ) -> Double {
    forward(parameters, input: input, rows: rows)
    let last = layout.layerCount - 1
    let outputCount = layout.outputCount
    let count = rows * outputCount
    let out = activations[last], delta = deltas[last]
    // Data loss and the output delta (output − target, for each canonical link).
    var loss = 0.0
    switch output {
    case .identity:
      var sum = 0.0
      for i in 0..<count {
        let d = out[i] - target[i]
        delta[i] = d
        sum += d * d
      }
      loss = 0.5 * sum / Double(rows) / Double(outputCount)
    case .logistic:
      var sum = 0.0
      for i in 0..<count {
        let p = clipProbability(out[i]), t = target[i]
        if t != 0 { sum += t * Foundation.log(p) }
        if t != 1 { sum += (1 - t) * Foundation.log(1 - p) }
        delta[i] = out[i] - t
      }
      loss = -sum / Double(rows)
    case .softmax:
      var sum = 0.0
      for i in 0..<count {
        let t = target[i]
        if t != 0 { sum += t * Foundation.log(clipProbability(out[i])) }
        delta[i] = out[i] - t
      }
      loss = -sum / Double(rows)
    }
    let n = Double(rows)
    loss += 0.5 * alpha * sumOfSquares(parameters, count: layout.coefficientCount) / n

    // Backward pass.
    var l = last
    while true {
      let fanIn = layout.units[l], fanOut = layout.units[l + 1]
      let a: UnsafePointer<Double> = l == 0 ? input : UnsafePointer(activations[l - 1])
      let d = deltas[l]
      let g = gradient + layout.coefficientOffsets[l], w = parameters + layout.coefficientOffsets[l]
      if fanOut == 1 {
        // Aᵀ·δ for one output column: a sum of rows of A scaled by δ.
        g.update(repeating: 0, count: fanIn)
        for i in 0..<rows { axpy(d[i], a + i &* fanIn, g, count: fanIn) }
      } else {
        gemm(transposeA: true, transposeB: false, m: fanIn, n: fanOut, k: rows, alpha: 1,
             a: a, lda: fanIn, b: d, ldb: fanOut, beta: 0, c: g, ldc: fanOut, parallelism: parallelism)
      }
      columnMeans(d, rows: rows, width: fanOut, into: gradient + layout.interceptOffsets[l])
      if l == 0 { break }
      let previous = deltas[l - 1]
      if fanOut == 1 {
        // δ·Wᵀ with one output unit: the outer product of δ and w.
        for i in 0..<rows {
          let row = previous + i &* fanIn, di = d[i]
          for j in 0..<fanIn { row[j] = di * w[j] }
        }
      } else {
        gemm(transposeA: false, transposeB: true, m: rows, n: fanIn, k: fanOut, alpha: 1,
             a: d, lda: fanOut, b: w, ldb: fanOut, beta: 0, c: previous, ldc: fanIn, parallelism: parallelism)
      }
      applyDerivative(hidden, activations[l - 1], previous, count: rows * fanIn)
      l -= 1
    }
    // L2 term and the mean over the batch: (Aᵀδ + alpha·W) / n.
    let coefficients = layout.coefficientCount
    let alphas = SIMD4(repeating: alpha), ns = SIMD4(repeating: n)
    var i = 0
    while i &+ 4 <= coefficients {
      store4((load4(gradient + i) + alphas * load4(parameters + i)) / ns, gradient + i)
      i &+= 4
    }
    while i < coefficients {
      gradient[i] = (gradient[i] + alpha * parameters[i]) / n
      i &+= 1
    }
    return loss
  }
}

/// scikit-learn clips probabilities to `[ε, 1 − ε]` (ε the double epsilon) before taking logs.
@inline(__always)
func clipProbability(_ p: Double) -> Double {
  Swift.min(Swift.max(p, Double.ulpOfOne), 1 - Double.ulpOfOne)
}

/// `Σ xᵢ²` with four independent accumulators.
func sumOfSquares(_ x: UnsafePointer<Double>, count: Int) -> Double {
  var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
  var i = 0
  while i &+ 8 <= count {
    let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self)
    let b = UnsafeRawPointer(x + (i &+ 4)).loadUnaligned(as: SIMD4<Double>.self)
    s0 += a * a
    s1 += b * b
    i &+= 8
  }
  var total = (s0 + s1).sum()
  while i < count {
    total += x[i] * x[i]
    i &+= 1
  }
  return total
}

/// `out[j] = Σᵢ d[i, j] / rows`, summed row by row (numpy's order for `sum(axis=0)`).
func columnMeans(_ d: UnsafePointer<Double>, rows: Int, width: Int, into out: UnsafeMutablePointer<Double>) {
  out.update(from: d, count: width)
  var row = d + width
  for _ in 1..<Swift.max(rows, 1) {
    var j = 0
    while j &+ 4 <= width {
      store4(load4(out + j) + load4(row + j), out + j)
      j &+= 4
    }
    while j < width {
      out[j] += row[j]
      j &+= 1
    }
    row += width
  }
  let n = Double(rows)
  for j in 0..<width { out[j] /= n }
}

/// Adds the bias to every row and applies the hidden activation, in place.
func applyHidden(_ activation: MLPActivation, _ z: UnsafeMutablePointer<Double>, rows: Int, width: Int,
                 bias: UnsafePointer<Double>) {
  switch activation {
  case .identity:
    forEachRow(z, rows: rows, width: width) { row in
      for j in 0..<width { row[j] += bias[j] }
    }
  case .relu:
    let zero = SIMD4<Double>()
    forEachRow(z, rows: rows, width: width) { row in
      var j = 0
      while j &+ 4 <= width {
        let value = load4(row + j) + load4(bias + j)
        store4(value.replacing(with: zero, where: value .< zero), row + j)
        j &+= 4
      }
      while j < width {
        row[j] = Swift.max(row[j] + bias[j], 0)
        j &+= 1
      }
    }
  case .tanh:
    forEachRow(z, rows: rows, width: width) { row in
      for j in 0..<width { row[j] = Foundation.tanh(row[j] + bias[j]) }
    }
  case .logistic:
    forEachRow(z, rows: rows, width: width) { row in
      for j in 0..<width { row[j] = 1 / (1 + Foundation.exp(-(row[j] + bias[j]))) }
    }
  }
}

@inline(__always)
private func forEachRow(_ z: UnsafeMutablePointer<Double>, rows: Int, width: Int,
                        _ body: (UnsafeMutablePointer<Double>) -> Void) {
  var row = z
  for _ in 0..<rows {
    body(row)
    row += width
  }
}

/// Adds the bias to every row and applies the output activation, in place.
func applyOutput(_ activation: MLPOutputActivation, _ z: UnsafeMutablePointer<Double>, rows: Int, width: Int,
                 bias: UnsafePointer<Double>) {
  var row = z
  for _ in 0..<rows {
    switch activation {
    case .identity:
      for j in 0..<width { row[j] += bias[j] }
    case .logistic:
      for j in 0..<width { row[j] = 1 / (1 + Foundation.exp(-(row[j] + bias[j]))) }
    case .softmax:
      var largest = -Double.infinity
      for j in 0..<width {
        row[j] += bias[j]
        largest = Swift.max(largest, row[j])
      }
      var sum = 0.0
      for j in 0..<width {
        row[j] = Foundation.exp(row[j] - largest)
        sum += row[j]
      }
      for j in 0..<width { row[j] /= sum }
    }
    row += width
  }
}

/// Multiplies `delta` by the hidden activation's derivative, written in terms of its output `a`.
func applyDerivative(_ activation: MLPActivation, _ a: UnsafePointer<Double>, _ delta: UnsafeMutablePointer<Double>,
                     count: Int) {
  switch activation {
  case .identity:
    return
  case .relu:
    var i = 0
    let zero = SIMD4<Double>()
    while i &+ 4 <= count {
      store4(load4(delta + i).replacing(with: zero, where: load4(a + i) .== zero), delta + i)
      i &+= 4
    }
    while i < count {
      if a[i] == 0 { delta[i] = 0 }
      i &+= 1
    }
  case .tanh:
    var i = 0
    let one = SIMD4<Double>(repeating: 1)
    while i &+ 4 <= count {
      let ai = load4(a + i)
      store4(load4(delta + i) * (one - ai * ai), delta + i)
      i &+= 4
    }
    while i < count {
      delta[i] *= 1 - a[i] * a[i]
      i &+= 1
    }
  case .logistic:
    for i in 0..<count {
      delta[i] *= a[i]
      delta[i] *= 1 - a[i]
    }
  }
}

/// The network's outputs for every row of `x` (a prediction), in chunks of at most 1024 rows.
func networkOutputs(layout: NetworkLayout, parameters: [Double], hidden: MLPActivation,
                    output: MLPOutputActivation, x: Matrix, parallelism: Parallelism = .serial) -> Matrix {
  let rows = x.rowCount
  var result = Matrix(rowCount: rows, columnCount: layout.outputCount)
  guard rows > 0 else { return result }
  // At most 2²⁴ workspace values, whatever the layer widths (a loaded network's are the file's).
  let perRow = Swift.max(1, layout.units.dropFirst().reduce(0, +))
  let chunk = Swift.max(1, Swift.min(rows, 1024, (1 << 24) / perRow))
  let workspace = Workspace(layout: layout, capacity: chunk, hidden: hidden, output: output,
                            parallelism: parallelism, training: false)
  parameters.withUnsafeBufferPointer { p in
    x.withUnsafeBufferPointer { px in
      result.withUnsafeMutableBufferPointer { out in
        var start = 0
        while start < rows {
          let count = Swift.min(chunk, rows - start)
          workspace.forward(p.baseAddress!, input: px.baseAddress! + start * layout.inputCount, rows: count)
          (out.baseAddress! + start * layout.outputCount).update(
            from: workspace.outputs, count: count * layout.outputCount)
          start += count
        }
      }
    }
  }
  return result
}

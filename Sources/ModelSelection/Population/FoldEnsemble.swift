import LearnCore
import LinearAlgebra

/// Several fitted models predicting as one: a cross-validated trial's fold models (the best PBT
/// member's, say), each trained on its fold's training part. Regressors average their
/// predictions; classifiers average their probabilities when they all give them, else vote
/// (ties to the smallest label).
public struct FoldEnsemble<Model: Predictor>: Predictor {
  /// The models, one per fold.
  public let models: [Model]

  /// An ensemble of `models`; throws when there are none.
  public init(_ models: [Model]) throws(LearnError) {
    guard !models.isEmpty else { throw .emptyInput("an ensemble needs at least one model") }
    self.models = models
  }

  /// The distinct warnings of the models, in fold order.
  public var warnings: [LearnWarning] {
    models.flatMap(\.warnings).reduce(into: []) { kept, warning in if !kept.contains(warning) { kept.append(warning) } }
  }

  /// The ensemble's prediction for each row of `x`.
  public func predict(_ x: Matrix) throws -> [Model.Prediction] {
    if Model.Prediction.self == Double.self {
      var sum = [Double](repeating: 0, count: x.rowCount)
      for model in models {
        let values = try model.predict(x) as! [Double]
        for i in sum.indices { sum[i] += values[i] }
      }
      return sum.map { $0 / Double(models.count) } as! [Model.Prediction]
    }
    // Mean probabilities when every model gives them (an SVC without `probability`, or a hinge
    // SGD, declares them but throws): else votes.
    if let probabilistic = models as? [any ProbabilisticClassifierModel], let classes = probabilistic.first?.classes,
       probabilistic.allSatisfy({ $0.classes == classes }), let mean = try? meanProbabilities(probabilistic, x) {
      return (0..<x.rowCount).map { i in
        var best = 0
        for j in 1..<classes.count where mean[i, j] > mean[i, best] { best = j }
        return classes[best]
      } as! [Model.Prediction]
    }
    let votes = try models.map { try $0.predict(x) as! [Int] }
    return (0..<x.rowCount).map { i in
      var counts: [Int: Int] = [:]
      for labels in votes { counts[labels[i], default: 0] += 1 }
      return counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
    } as! [Model.Prediction]
  }

  /// The mean of the models' class probabilities (all with the same classes).
  private func meanProbabilities(_ models: [any ProbabilisticClassifierModel], _ x: Matrix) throws -> Matrix {
    var mean = try models[0].predictProbabilities(x)
    for model in models.dropFirst() {
      let p = try model.predictProbabilities(x)
      mean.withUnsafeMutableBufferPointer { m in
        p.withUnsafeBufferPointer { q in for i in m.indices { m[i] += q[i] } }
      }
    }
    let scale = 1 / Double(models.count)
    mean.withUnsafeMutableBufferPointer { m in for i in m.indices { m[i] *= scale } }
    return mean
  }
}

extension SearchModel {
  /// The chosen trial's fold models as one model (``FoldEnsemble``): what PBT's best member
  /// is, as trained during the search. `nil` when the search did not keep them (keep them with
  /// `retainFoldModels`; strategies that continue trials keep the final trials' models).
  public var foldEnsemble: FoldEnsemble<Base.Fitted>? {
    guard let bestIndex, let models = foldModels[bestIndex] else { return nil }
    return try? FoldEnsemble(models)
  }
}

import Foundation
import LearnCore
import LinearAlgebra
import ModelSelection
import Trees

/// How much each varying parameter explains the score: a random forest (64 trees, fully grown,
/// as Optuna's fANOVA evaluator grows them) is fitted to the scored trials — numbers as they are
/// (their log₁₀ on a log axis), categories by position — and each parameter's share of the
/// forest's impurity decrease is its importance. Largest first; empty with fewer than four scored
/// trials or no varying parameter. Deterministic (seed 0).
func parameterImportances(_ data: PlotData) -> [(name: String, value: Double)] {
  guard data.scored.count >= 4, !data.parameters.isEmpty else { return [] }
  let axes = data.parameters.map { ParameterAxis(name: $0, trials: data.scored) }
  let x = Matrix(rowCount: data.scored.count, columnCount: axes.count) { row, column in
    let value = axes[column].position(data.scored[row].parameters[axes[column].name])
    return axes[column].logarithmic ? log10(value) : value
  }
  let y = data.scored.map(data.score)
  let forest = RandomForestRegressor(nEstimators: 64, maxFeatures: .all, seed: 0, parallelism: .serial)
  guard let model = try? forest.fit(x, y) else { return [] }
  let raw = model.featureImportances
  let total = raw.reduce(0, +)
  return zip(data.parameters, raw).map { (name: $0.0, value: total > 0 ? $0.1 / total : 0) }.sorted { $0.value > $1.value }
}

import Foundation
import LearnCore
import LinearAlgebra
import ModelSelection
import Trees

/// How much each varying parameter explains the score: a random forest (64 trees, fully grown,
/// as Optuna's fANOVA evaluator grows them) is fitted to the scored trials — numbers as they are
/// (their log₁₀ on a log axis), categories by position — and each parameter's share of the
/// forest's impurity decrease is its importance. Largest first; unavailable (with the reason) with
/// fewer than four scored trials, no varying parameter, or scores that are all equal.
/// Deterministic (seed 0).
func parameterImportances(_ data: PlotData) -> Importances {
  guard data.scored.count >= 4 else { return .unavailable("it needs at least four scored trials, there are \(data.scored.count)") }
  guard !data.parameters.isEmpty else { return .unavailable("no parameter varied") }
  let axes = data.parameters.map { ParameterAxis(name: $0, trials: data.scored) }
  let x = Matrix(rowCount: data.scored.count, columnCount: axes.count) { row, column in
    let value = axes[column].position(data.scored[row].parameters[axes[column].name])
    return axes[column].logarithmic ? log10(value) : value
  }
  let y = data.scored.map(data.score)
  let forest = RandomForestRegressor(nEstimators: 64, maxFeatures: .all, seed: 0, parallelism: .serial)
  let model: RandomForestRegressor.Model
  do { model = try forest.fit(x, y) } catch { return .unavailable("the forest could not be fitted (\(error))") }
  let raw = model.featureImportances
  let total = raw.reduce(0, +)
  guard total > 0 else { return .unavailable("every scored trial has the same score") }
  return .measured(zip(data.parameters, raw).map { (name: $0.0, value: $0.1 / total) }.sorted { $0.value > $1.value })
}

/// Parameter importances, or why there are none.
enum Importances {
  /// Each parameter's share, largest first.
  case measured([(name: String, value: Double)])
  /// Why importance could not be measured.
  case unavailable(String)
}

import LearnCore
import LinearAlgebra

/// The hyperparameters a model trained with, step by step: what a trial's chain of continued
/// trials records (a PBT member's schedule; a Hyperband promotion's budgets). Replaying it
/// (``replay(with:on:_:budgetParameter:)``) trains a fresh model the same way (Ray Tune's PBT
/// replay).
public struct TrainingSchedule: Sendable, Hashable, CustomStringConvertible {
  /// One step: train with `parameters` until the model has `units` budget units in all.
  public struct Step: Sendable, Hashable {
    /// The hyperparameters of the step.
    public var parameters: ParameterSet
    /// The budget units trained in all at the end of the step.
    public var units: Int

    /// A step training with `parameters` up to `units` units in all.
    public init(parameters: ParameterSet, units: Int) {
      self.parameters = parameters
      self.units = units
    }
  }

  /// The steps, in training order, with increasing ``Step/units``.
  public var steps: [Step]

  /// A schedule from its steps; throws unless there is one and their units increase.
  public init(_ steps: [Step]) throws(LearnError) {
    guard let first = steps.first, first.units >= 1 else {
      throw .invalidArgument(name: "steps", reason: "a schedule needs a first step of at least one unit")
    }
    for i in steps.indices.dropFirst() where steps[i].units < steps[i - 1].units {
      throw .invalidArgument(name: "steps", reason: "step \(i) ends at \(steps[i].units) units, before step \(i - 1)")
    }
    self.steps = steps
  }

  /// The values of `name` step by step, with the units at the end of each step (a learning-rate
  /// schedule, say).
  public func values(of name: String) -> [(units: Int, value: ParameterValue?)] {
    steps.map { ($0.units, $0.parameters[name]) }
  }

  /// One line per step: `…→ <units>: <parameters>`.
  public var description: String {
    steps.map { step in
      "→ \(step.units): " + step.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }.joined(separator: "\n")
  }

  /// Trains a fresh model by this schedule: `estimator` set to the first step's hyperparameters
  /// and trained to its units (``trainingFor``'s rule), then continued step by step with each
  /// step's hyperparameters for the units the step adds, as the search trained the trial.
  public func replay<E: IncrementallyTrainable>(
    with estimator: E, on x: Matrix, _ y: [E.Target], budgetParameter: String? = nil
  ) throws -> E.Fitted {
    let first = try trainingFor(steps[0].units, estimator.setting(steps[0].parameters), budgetParameter: budgetParameter)
    var model = try first.fit(x, y)
    for i in steps.indices.dropFirst() {
      let configured = try estimator.setting(steps[i].parameters)
      let scale = budgetParameter == nil ? configured.trainingUnits?.scale ?? 1 : 1
      model = try configured.continued(model, on: x, y, budget: (steps[i].units - steps[i - 1].units) * scale)
    }
    return model
  }
}

extension SearchResults {
  /// The schedule of trial `number`: the trials it continued, oldest first, each with its
  /// hyperparameters and units budget, back to the first trial or to one trained afresh
  /// (tagged `refitted`: its parent's models were gone). `nil` when a trial of the chain has no
  /// units budget.
  public func schedule(of number: Int) -> TrainingSchedule? {
    var chain: [TrialRecord] = []
    var current: Int? = number
    while let index = current, trials.indices.contains(index), !chain.contains(where: { $0.index == index }) {
      chain.append(trials[index])
      current = trials[index].tags["refitted"] == nil ? trials[index].parent : nil
    }
    var steps: [TrainingSchedule.Step] = []
    for trial in chain.reversed() {
      guard case .units(let units)? = trial.resource else { return nil }
      steps.append(TrainingSchedule.Step(parameters: trial.parameters, units: units))
    }
    return try? TrainingSchedule(steps)
  }

  /// The members' lineage in a population search: for trial `number`, the trials it continued
  /// (the member's own earlier trials or those of the members it copied), oldest first.
  public func lineage(of number: Int) -> [Int] {
    var chain: [Int] = []
    var current: Int? = number
    while let index = current, trials.indices.contains(index), !chain.contains(index) {
      chain.append(index)
      current = trials[index].parent
    }
    return chain.reversed()
  }
}

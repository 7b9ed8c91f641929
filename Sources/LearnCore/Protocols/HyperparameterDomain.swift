/// The values a hyperparameter row accepts, in a form code can read: what search strategies use to
/// clip a proposal into range, perturb a value on its natural scale, or build a distribution over a
/// row. Every ``Hyperparameter`` carries one (``Hyperparameter/domain``).
///
/// A domain describes a row's canonical values, the ones it reads back; a row may also accept
/// aliases outside it (scikit-learn's `-1` for "no iteration limit", a bool for LinearSVC's `dual`,
/// a single int for one hidden layer).
public enum HyperparameterDomain: Sendable, Hashable, CustomStringConvertible {
  /// Real numbers in an interval (integers are read as reals). `log` says the natural scale is
  /// logarithmic (regularisation strengths, learning rates, tolerances): searches sample and
  /// perturb `log(value)`.
  case real(RealDomain, log: Bool)
  /// Integers in a range (an integral double is read as an integer); `Int.min` or `Int.max` as an
  /// end means unbounded on that side. `log` says the natural scale is logarithmic (numbers of trees).
  case integers(ClosedRange<Int>, log: Bool)
  /// One of finitely many values, such as a string enumeration's raw values; no order among them.
  case choices([ParameterValue])
  /// `true` or `false`.
  case bool
  /// A value of the wrapped domain or `.none` (scikit-learn's `int or None`, `float or None`).
  indirect case optional(HyperparameterDomain)
  /// A random seed: any `.int` (its 64 bits are the seed). Not an ordered quantity.
  case seed
  /// Lists of integers, such as hidden-layer sizes: each element in `element`, the length in `count`.
  case integerLists(element: ClosedRange<Int>, count: ClosedRange<Int>)
  /// A value of any of the member domains, such as SVC's `gamma` (`"scale"`, `"auto"` or a real ≥ 0)
  /// or a tree's `minSamplesSplit` (an int count or a real fraction). The value's own kind picks
  /// the member: an `.int` goes to an integer member and a `.double` to a real member when there is
  /// one (scikit-learn tells the count `1` from the fraction `1.0` this way).
  case oneOf([HyperparameterDomain])
  /// Values that cannot be described (custom rows, explicit class-weight tables): ``contains(_:)``
  /// is `false` and ``clamped(_:)`` `nil` for every value; only the row's `write` can tell.
  case opaque

  /// Whether `value` is one of the domain's values (see each case for how kinds convert).
  public func contains(_ value: ParameterValue) -> Bool {
    switch self {
    case .real(let interval, _):
      guard let v = value.doubleValue else { return false }
      return interval.contains(v)
    case .integers(let range, _):
      guard let v = value.intValue else { return false }
      return range.contains(v)
    case .choices(let values):
      return values.contains(value)
    case .bool:
      if case .bool = value { return true }
      return false
    case .optional(let inner):
      return value == .none || inner.contains(value)
    case .seed:
      if case .int = value { return true }
      return false
    case .integerLists(let element, let count):
      guard case .ints(let list) = value else { return false }
      return count.contains(list.count) && list.allSatisfy { element.contains($0) }
    case .oneOf(let members):
      return Self.candidates(members, for: value).contains { $0.contains(value) }
    case .opaque:
      return false
    }
  }

  /// The valid value nearest `value`, or `nil` when there is none of its kind (a string for a real
  /// domain, an unlisted choice, NaN, any value of an opaque domain). A value inside is returned
  /// as is, except that kinds are normalised (`.int(1)` in a real domain becomes `.double(1.0)`).
  ///
  /// - Reals are clamped to the interval; an open end is replaced by the nearest representable
  ///   value inside it (`nextUp`/`nextDown`), an infinite end by the largest finite value.
  /// - Integers are rounded to the nearest integer, then clamped to the range.
  /// - Integer lists have each element clamped, are cut to the longest allowed length, and are
  ///   padded with their last element (or the smallest element) to the shortest.
  /// - Choices, bools and seeds have no nearest value: the value itself when valid, else `nil`.
  public func clamped(_ value: ParameterValue) -> ParameterValue? {
    switch self {
    case .real(let interval, _):
      guard let v = value.doubleValue else { return nil }
      return interval.clamped(v).map(ParameterValue.double)
    case .integers(let range, _):
      return Self.clamp(value, to: range).map(ParameterValue.int)
    case .choices, .bool, .seed, .opaque:
      // Not `contains(value) ? value : nil`: that `nil` would be the value `.none`.
      if contains(value) { return value }
      return Optional.none
    case .optional(let inner):
      return value == .none ? ParameterValue.none : inner.clamped(value)
    case .integerLists(let element, let count):
      return Self.clamp(value, element: element, count: count)
    case .oneOf(let members):
      if contains(value) { return value }
      for member in Self.candidates(members, for: value) + members {
        if let result = member.clamped(value) { return result }
      }
      return nil
    }
  }

  /// The distribution a search would use over the whole domain, when it is bounded: uniform or
  /// log-uniform over a finite interval (open ends stepped inside), `int`/`logInt` over a bounded
  /// integer range, a choice over finitely many values (an optional domain adds `.none`, a
  /// `oneOf` joins its members' values), `int(0, Int.max)` for a seed. `nil` when unbounded, when a
  /// log scale reaches 0, for integer lists and for opaque domains.
  public var distribution: Distribution? {
    switch self {
    case .real(let interval, let log):
      guard interval.lower.isFinite, interval.upper.isFinite,
            let low = interval.clamped(interval.lower), let high = interval.clamped(interval.upper), low <= high
      else { return nil }
      if log { return interval.lower > 0 ? .logUniform(low, high) : nil }
      return .uniform(low, high)
    case .integers(let range, let log):
      guard range.lowerBound != Int.min, range.upperBound != Int.max else { return nil }
      if log { return range.lowerBound >= 1 ? .logInt(range.lowerBound, range.upperBound) : nil }
      return .int(range.lowerBound, range.upperBound)
    case .choices(let values):
      return values.isEmpty ? nil : .choice(Self.distinct(values))
    case .bool:
      return .choice([false, true])
    case .optional(let inner):
      guard let values = inner.distribution?.finiteValues(limit: Self.choiceLimit) else { return nil }
      return .choice(Self.distinct(values + [.none]))
    case .seed:
      return .int(0, Int.max)
    case .integerLists, .opaque:
      return nil
    case .oneOf(let members):
      var values: [ParameterValue] = []
      for member in members {
        guard let part = member.distribution?.finiteValues(limit: Self.choiceLimit) else { return nil }
        values += part
      }
      return values.isEmpty ? nil : .choice(Self.distinct(values))
    }
  }

  /// Whether searches should work on the logarithm of the value (a real or integer domain with the
  /// log hint, or an optional one wrapping such a domain).
  public var isLogScale: Bool {
    switch self {
    case .real(_, let log), .integers(_, let log): return log
    case .optional(let inner): return inner.isLogScale
    default: return false
    }
  }

  /// A readable form, such as `real (0.0, inf) log` or `one of ["rbf", "linear"]`.
  public var description: String {
    switch self {
    case .real(let interval, let log): return "real \(interval)" + (log ? " log" : "")
    case .integers(let range, let log): return "int \(describeRange(range))" + (log ? " log" : "")
    case .choices(let values): return "one of [" + values.map(\.description).joined(separator: ", ") + "]"
    case .bool: return "bool"
    case .optional(let inner): return "\(inner) or none"
    case .seed: return "seed"
    case .integerLists(let element, let count):
      return "lists of \(describeRange(count)) ints in \(describeRange(element))"
    case .oneOf(let members): return members.map(\.description).joined(separator: " | ")
    case .opaque: return "opaque"
    }
  }

  /// The most values an optional or `oneOf` domain enumerates into a choice.
  private static let choiceLimit = 1_000

  /// The members a `oneOf` domain tries for `value`: those of the value's own numeric kind, or all.
  private static func candidates(
    _ members: [HyperparameterDomain], for value: ParameterValue
  ) -> [HyperparameterDomain] {
    let own = members.filter { $0.isOwnKind(of: value) }
    return own.isEmpty ? members : own
  }

  /// Whether this is an integer domain and `value` an `.int`, or a real domain and `value` a `.double`.
  private func isOwnKind(of value: ParameterValue) -> Bool {
    switch (self, value) {
    case (.integers, .int), (.real, .double): return true
    case (.optional(let inner), _): return inner.isOwnKind(of: value)
    default: return false
    }
  }

  /// `value` rounded to an integer and clamped into `range`, without trapping on huge doubles.
  private static func clamp(_ value: ParameterValue, to range: ClosedRange<Int>) -> Int? {
    if let v = value.intValue { return Swift.min(Swift.max(v, range.lowerBound), range.upperBound) }
    guard let d = value.doubleValue, !d.isNaN else { return nil }
    let r = d.rounded()
    if r <= Double(range.lowerBound) { return range.lowerBound }
    if r >= Double(range.upperBound) { return range.upperBound }  // Double(Int.max) is 2^63
    return Swift.min(Swift.max(Int(r), range.lowerBound), range.upperBound)
  }

  /// A list (or a single int, read as one element) with each element clamped and its length fitted.
  private static func clamp(
    _ value: ParameterValue, element: ClosedRange<Int>, count: ClosedRange<Int>
  ) -> ParameterValue? {
    var list: [Int]
    switch value {
    case .ints(let values): list = values
    case .int(let single): list = [single]
    default: return nil
    }
    list = list.prefix(count.upperBound).map { Swift.min(Swift.max($0, element.lowerBound), element.upperBound) }
    while list.count < count.lowerBound { list.append(list.last ?? element.lowerBound) }
    return .ints(list)
  }

  /// `values` without repeats, in first-seen order.
  private static func distinct(_ values: [ParameterValue]) -> [ParameterValue] {
    var seen = Set<ParameterValue>()
    return values.filter { seen.insert($0).inserted }
  }
}

extension RealDomain {
  /// The value of the interval nearest `value`: `value` itself when inside; otherwise the nearest
  /// end, stepped inside by the smallest representable amount when that end is open, and the
  /// largest finite value for an infinite end. `nil` for NaN or an empty interval.
  public func clamped(_ value: Double) -> Double? {
    guard !value.isNaN else { return nil }
    var x = Swift.min(Swift.max(value, lower), upper)
    if x == -.infinity { x = -.greatestFiniteMagnitude }
    if x == .infinity { x = .greatestFiniteMagnitude }
    if x == lower && !lowerClosed { x = x.nextUp }
    if x == upper && !upperClosed { x = x.nextDown }
    return contains(x) ? x : nil
  }
}

/// `[low, high]`, with an `Int.min`/`Int.max` end shown as unbounded.
func describeRange(_ range: ClosedRange<Int>) -> String {
  let low = range.lowerBound == Int.min ? "(-inf" : "[\(range.lowerBound)"
  let high = range.upperBound == Int.max ? "inf)" : "\(range.upperBound)]"
  return low + ", " + high
}

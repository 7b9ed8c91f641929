import Foundation

/// Every type Learn defines, registered once for loading (the first load does it).
private let learnTypesRegistered: Void = ModelRegistry.shared.registerLearnTypes()

extension ModelRegistry {
  /// Registers every estimator, model, transformer and composite Learn defines, for loading as
  /// themselves and inside the type-erased wrappers. Loading through `load(from:)` and
  /// ``ModelFile/loadAny(from:maximumBytes:)`` does this itself; call it before the low-level
  /// ``ModelFile/read(_:from:maximumBytes:)`` family when the file may hold erased parts.
  public func registerLearnTypes() {
    registerClassifier(DummyClassifier.self)
    registerRegressor(DummyRegressor.self)
    registerRegressor(LinearRegression.self)
    registerRegressor(Ridge.self)
    registerRegressor(RidgeCV.self)
    registerClassifier(RidgeClassifier.self)
    registerRegressor(Lasso.self)
    registerRegressor(ElasticNet.self)
    registerClassifier(LogisticRegression.self)
    registerClassifier(SGDClassifier.self)
    registerRegressor(SGDRegressor.self)
    registerClassifier(LinearSVC.self)
    registerClassifier(SVC.self)
    registerRegressor(SVR.self)
    registerClassifier(DecisionTreeClassifier.self)
    registerRegressor(DecisionTreeRegressor.self)
    registerClassifier(RandomForestClassifier.self)
    registerRegressor(RandomForestRegressor.self)
    registerClassifier(ExtraTreesClassifier.self)
    registerRegressor(ExtraTreesRegressor.self)
    registerClassifier(MLPClassifier.self)
    registerRegressor(MLPRegressor.self)
    registerPreprocessingTypes()
    registerModelSelectionTypes()
  }
}

extension Persistable {
  /// Saves this value to `url` in Learn's model format (``ModelFile``): written to a temporary
  /// file, flushed and renamed into place, so a crash never leaves half a file.
  public func save(to url: URL) throws(LearnError) { try ModelFile.write(self, to: url) }

  /// The value of this type saved at `url`, checked before it is returned; throws
  /// ``LearnError/unreadableModel(field:reason:)`` naming the field of a damaged, truncated,
  /// oversized (more than `maximumBytes`), newer-format or other-type file.
  public static func load(from url: URL, maximumBytes: Int = ModelFile.defaultMaximumBytes) throws(LearnError) -> Self {
    _ = learnTypesRegistered
    return try ModelFile.read(Self.self, from: url, maximumBytes: maximumBytes)
  }
}

extension ModelFile {
  /// The `T` saved at `url`, checked (`T.load(from:)`), with Learn's types registered first.
  public static func load<T: Persistable>(
    as type: T.Type, from url: URL, maximumBytes: Int = defaultMaximumBytes
  ) throws(LearnError) -> T {
    try T.load(from: url, maximumBytes: maximumBytes)
  }

  /// The value saved at `url`, as whatever registered type the file names (`as? SVC.Model`,
  /// `as? PipelineModel<AnyModel<Int>>`), checked; throws as `load(from:)` does.
  public static func loadAny(from url: URL, maximumBytes: Int = defaultMaximumBytes) throws(LearnError) -> any Persistable {
    _ = learnTypesRegistered
    return try readAny(from: url, maximumBytes: maximumBytes)
  }

  /// The `T` in a file's bytes, with Learn's types registered first (``decode(_:from:maximumBytes:)``).
  public static func load<T: Persistable>(
    _ type: T.Type, from data: Data, maximumBytes: Int = defaultMaximumBytes
  ) throws(LearnError) -> T {
    _ = learnTypesRegistered
    return try decode(type, from: data, maximumBytes: maximumBytes)
  }

  /// The value in a file's bytes as whatever registered type it names, with Learn's types
  /// registered first (``decodeAny(from:maximumBytes:)``).
  public static func loadAny(from data: Data, maximumBytes: Int = defaultMaximumBytes) throws(LearnError) -> any Persistable {
    _ = learnTypesRegistered
    return try decodeAny(from: data, maximumBytes: maximumBytes)
  }
}

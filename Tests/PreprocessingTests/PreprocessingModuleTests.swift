import Preprocessing
import Testing

@Suite struct PreprocessingModuleTests {
  @Test func moduleImports() {
    #expect(Bool(true))
  }
}

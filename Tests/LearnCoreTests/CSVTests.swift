import Foundation
import LinearAlgebra
import Testing

@testable import LearnCore

@Suite struct CSVTests {
  // MARK: CSVTable parsing

  @Test func parsesPlainTable() throws {
    let table = try CSVTable(parsing: "a,b,c\n1,2,3\n4,5,6\n")
    #expect(table.header == ["a", "b", "c"])
    #expect(table.rows == [["1", "2", "3"], ["4", "5", "6"]])
    #expect(table.lineNumbers == [2, 3])
  }

  @Test func parsesQuotedFields() throws {
    let text = "name,note\n\"Smith, J\",\"said \"\"hi\"\"\"\n\"two\nlines\",x\nlast,\"\"\n"
    let table = try CSVTable(parsing: text)
    #expect(table.rows == [["Smith, J", "said \"hi\""], ["two\nlines", "x"], ["last", ""]])
    #expect(table.lineNumbers == [2, 3, 5])
  }

  @Test func handlesCRLFBOMBlankLinesAndWhitespace() throws {
    let text = "\u{FEFF}\r\n a , b \r\n\r\n 1 ,\t2\r\n   \r\n\" 3 \",4\r\n"
    let table = try CSVTable(parsing: text)
    #expect(table.header == ["a", "b"])
    #expect(table.rows == [["1", "2"], [" 3 ", "4"]])
    #expect(table.lineNumbers == [4, 6])
  }

  @Test func lastLineWithoutNewlineAndCRLFInsideQuotes() throws {
    let table = try CSVTable(parsing: "a,b\r\n\"x\r\ny\",2\r\n3,4")
    #expect(table.rows == [["x\r\ny", "2"], ["3", "4"]])
    #expect(table.lineNumbers == [2, 4])
  }

  @Test func customSeparators() throws {
    let semicolon = try CSVTable(parsing: "a;b\n1,5;\"x;y\"\n", separator: ";")
    #expect(semicolon.header == ["a", "b"])
    #expect(semicolon.rows == [["1,5", "x;y"]])
    let tab = try CSVTable(parsing: "a\tb\n1\t2\n", separator: "\t")
    #expect(tab.rows == [["1", "2"]])
    #expect(tab.csvText(separator: "\t") == "a\tb\n1\t2\n")
    let multibyte = try CSVTable(parsing: "a¦b\n1¦x,y\n", separator: "¦")
    #expect(multibyte.rows == [["1", "x,y"]])
  }

  @Test func emptyFileIsRejected() {
    #expect(throws: LearnError.malformedCSV(line: 1, column: nil, reason: "the file is empty: no header")) {
      try CSVTable(parsing: "")
    }
    #expect(throws: LearnError.malformedCSV(line: 1, column: nil, reason: "the file is empty: no header")) {
      try CSVTable(parsing: "\u{FEFF}\n  \n\r\n")
    }
  }

  @Test func raggedRowsAreRejected() {
    #expect(
      throws: LearnError.malformedCSV(
        line: 3, column: nil, reason: "expected 3 fields as in the header, found 2")
    ) { try CSVTable(parsing: "a,b,c\n1,2,3\n4,5\n") }
    #expect(
      throws: LearnError.malformedCSV(
        line: 5, column: nil, reason: "expected 2 fields as in the header, found 3")
    ) { try CSVTable(parsing: "a,b\n\n\"1\n\",2\n3,4,5\n") }
  }

  @Test func unterminatedQuoteReportsOpeningLine() {
    #expect(
      throws: LearnError.malformedCSV(
        line: 3, column: "b",
        reason: "unterminated quoted field: the quote opened on line 3 is never closed")
    ) { try CSVTable(parsing: "a,b\n1,2\n3,\"open\n4,5\n6,7\n") }
  }

  @Test func textAfterClosingQuoteIsRejected() {
    #expect(
      throws: LearnError.malformedCSV(
        line: 2, column: "a",
        reason: "unexpected text after a closing quote (a quote inside a quoted field must be doubled)")
    ) { try CSVTable(parsing: "a,b\n\"x\"y,2\n") }
  }

  @Test func badHeaderNamesAreRejected() {
    #expect(
      throws: LearnError.malformedCSV(
        line: 1, column: "a", reason: "duplicate column name 'a' (columns 1 and 3)")
    ) { try CSVTable(parsing: "a,b,a\n1,2,3\n") }
    #expect(
      throws: LearnError.malformedCSV(
        line: 2, column: "#2", reason: "header column 2 has an empty name")
    ) { try CSVTable(parsing: "\na, ,c\n1,2,3\n") }
  }

  @Test func invalidSeparatorIsRejected() {
    #expect(
      throws: LearnError.invalidArgument(
        name: "separator", reason: "a CSV separator cannot be a quote or a line break")
    ) { try CSVTable(parsing: "a\n1\n", separator: "\"") }
  }

  @Test func writesOnlyQuotesThatAreNeeded() throws {
    let table = CSVTable(
      header: ["plain", "comma", "quote"],
      rows: [["x", "a,b", "say \"hi\""], [" pad", "two\nlines", ""]])
    let text = table.csvText()
    #expect(text == "plain,comma,quote\nx,\"a,b\",\"say \"\"hi\"\"\"\n\" pad\",\"two\nlines\",\n")
    let back = try CSVTable(parsing: text)
    #expect(back.header == table.header)
    #expect(back.rows == table.rows)
    // A single empty field would read back as a blank line, so it is quoted.
    let single = CSVTable(header: ["only"], rows: [[""], ["v"]])
    #expect(single.csvText() == "only\n\"\"\nv\n")
    #expect(try CSVTable(parsing: single.csvText()).rows == [[""], ["v"]])
  }

  @Test func missingFileIsAnIOError() {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("learn-csv-no-such-\(UUID().uuidString).csv").path
    #expect(throws: LearnError.io(path: path, reason: "no such file")) {
      try CSVTable(contentsOf: path)
    }
  }

  @Test func parsesDigitsSizedTable() throws {
    let columns = 65, rowCount = 1_800
    var text = (0..<64).map { "pixel_\($0)" }.joined(separator: ",") + ",target\n"
    for i in 0..<rowCount {
      text += (0..<columns).map { String((i * 7 + $0) % 17) }.joined(separator: ",") + "\n"
    }
    let data = try Dataset<Int>(csv: text, target: "target")
    #expect(data.x.shape == (rows: 1_800, columns: 64))
    #expect(data.x[1_799, 63] == Double((1_799 * 7 + 63) % 17))
    #expect(data.y[1_799] == (1_799 * 7 + 64) % 17)
  }

  // MARK: Dataset reading

  @Test func stringLabelsAreSortedAndMapped() throws {
    let text = "sepal,petal,species\n1.5,2,versicolor\n3,4.25,setosa\n5,6,virginica\n7,8,setosa\n"
    let data = try Dataset<Int>(csv: text, target: "species")
    #expect(data.featureNames == ["sepal", "petal"])
    #expect(data.targetName == "species")
    #expect(data.x == (try Matrix([[1.5, 2], [3, 4.25], [5, 6], [7, 8]])))
    #expect(data.y == [1, 0, 2, 0])
    #expect(data.classNames == [0: "setosa", 1: "versicolor", 2: "virginica"])
    #expect(data.className(of: 2) == "virginica")
  }

  @Test func integerLabelsAreKept() throws {
    let data = try Dataset<Int>(csv: "label,f\n3,1\n-1,2\n 7 ,3\n", target: "label")
    #expect(data.y == [3, -1, 7])
    #expect(data.classNames.isEmpty)
    #expect(data.featureNames == ["f"])
    #expect(data.x == Matrix(column: [1, 2, 3]))
  }

  @Test func mixedLabelsAreAllStrings() throws {
    let data = try Dataset<Int>(csv: "f,y\n1,10\n2,b\n3,9\n", target: "y")
    #expect(data.y == [0, 2, 1])
    #expect(data.classNames == [0: "10", 1: "9", 2: "b"])
  }

  @Test func fractionalLabelsAreOrderedAsNumbers() throws {
    // "10.0" sorts before "2.0" as text; as numbers 2 < 10.
    let data = try Dataset<Int>(csv: "f,y\n1,10.0\n2,2.0\n3,2\n4,0.5\n", target: "y")
    #expect(data.y == [2, 1, 1, 0])
    #expect(data.classNames == [0: "0.5", 1: "2.0", 2: "10.0"])
  }

  @Test func aSecondFileIsReadAgainstTheFirstOnesEncoding() throws {
    let train = try Dataset<Int>(
      csv: "colour,size,species\nred,1,a\nblue,2,b\ngreen,3,c\nred,4,a\n", target: "species", categoricalFeatures: .encode)
    #expect(train.y == [0, 1, 2, 0] && train.categories[0] == ["blue", "green", "red"])
    // The test file has classes b and c only, its columns in another order: on its own it would
    // number b → 0, c → 1 and a perfect model would score 0.
    let text = "size,species,colour\n5,c,blue\n6,b,red\n"
    let alone = try Dataset<Int>(csv: text, target: "species", categoricalFeatures: .encode)
    #expect(alone.y == [1, 0])
    let test = try Dataset<Int>(csv: text, target: "species", encoding: train.csvEncoding)
    #expect(test.y == [2, 1] && test.classNames == train.classNames)
    let expected = try Matrix([[0, 5], [2, 6]])
    #expect(test.featureNames == ["colour", "size"] && test.x == expected)
    // Fractional labels keep their numeric order across files, whatever the spelling.
    let numeric = try Dataset<Int>(csv: "f,y\n1,2.0\n2,10.0\n", target: "y")
    let again = try Dataset<Int>(csv: "f,y\n1,10\n2,2\n", target: "y", encoding: numeric.csvEncoding)
    #expect(again.y == [1, 0])
    // Unseen labels, categories and columns are errors naming what and where.
    func reason(_ text: String) -> String {
      do { _ = try Dataset<Int>(csv: text, target: "species", encoding: train.csvEncoding) } catch { return "\(error)" }
      return ""
    }
    #expect(reason("colour,size,species\nred,1,d\n").contains("'d'"))
    #expect(reason("colour,size,species\npurple,1,a\n").contains("'purple'"))
    #expect(reason("colour,size,weight,species\nred,1,2,a\n").contains("weight"))
    #expect(reason("colour,species\nred,a\n").contains("size"))
  }

  @Test func regressionTargetsAndSemicolons() throws {
    let text = "a;y;b\r\n1;0.5;-2e3\r\n\"2\";-1.25;3\r\n"
    let data = try Dataset<Double>(csv: text, target: "y", separator: ";")
    #expect(data.featureNames == ["a", "b"])
    #expect(data.y == [0.5, -1.25])
    #expect(data.x == (try Matrix([[1, -2000], [2, 3]])))
  }

  @Test func missingTargetColumn() {
    #expect(throws: LearnError.missingColumn(name: "label", available: ["a", "b"])) {
      try Dataset<Int>(csv: "a,b\n1,2\n", target: "label")
    }
  }

  @Test func headerOnlyAndTargetOnlyAreEmptyInput() {
    #expect(throws: LearnError.emptyInput("the CSV has a header but no data rows")) {
      try Dataset<Int>(csv: "a,y\n\n", target: "y")
    }
    #expect(
      throws: LearnError.emptyInput("the CSV has no feature columns, only the target column 'y'")
    ) { try Dataset<Double>(csv: "y\n1\n2\n", target: "y") }
  }

  @Test func nonNumericFeatureCell() {
    #expect(
      throws: LearnError.malformedCSV(line: 4, column: "b", reason: "'abc' is not a number; pass categoricalFeatures: .encode to read text columns as categories")
    ) { try Dataset<Int>(csv: "a,b,y\n1,2,0\n\n3, abc ,1\n", target: "y") }
  }

  @Test func nonFiniteFeatureCells() {
    for cell in ["inf", "-inf", "Infinity"] {
      #expect(
        throws: LearnError.malformedCSV(
          line: 3, column: "a", reason: "non-finite value '\(cell)'; values must be finite numbers")
      ) { try Dataset<Int>(csv: "a,y\n1,0\n\(cell),1\n", target: "y") }
    }
  }

  @Test func missingFeatureCellsAreRejectedByDefault() {
    for (cell, shown) in [("", "empty cell"), ("NA", "'NA'"), ("nan", "'nan'"), ("?", "'?'"),
                          ("NULL", "'NULL'"), ("n/a", "'n/a'"), ("NaN", "'NaN'")] {
      #expect(
        throws: LearnError.malformedCSV(
          line: 3, column: "b",
          reason: "missing value (\(shown)); pass missingValues: .allowAsNaN to read missing "
            + "features as NaN")
      ) { try Dataset<Double>(csv: "a,b,y\n1,2,0.5\n3,\(cell),1.5\n", target: "y") }
    }
  }

  @Test func allowAsNaNPutsNaNInPlace() throws {
    let text = "a,b,y\n1,NA,x\n,4,y\n5,6,x\n"
    let data = try Dataset<Int>(csv: text, target: "y", missingValues: .allowAsNaN)
    #expect(data.x[0, 0] == 1)
    #expect(data.x[0, 1].isNaN)
    #expect(data.x[1, 0].isNaN)
    #expect(data.x[1, 1] == 4)
    #expect(data.x[2, 0] == 5 && data.x[2, 1] == 6)
    #expect(data.x.elements.filter(\.isNaN).count == 2)
    #expect(data.y == [0, 1, 0])
  }

  @Test func missingTargetCellIsAlwaysAnError() {
    #expect(
      throws: LearnError.malformedCSV(line: 3, column: "y", reason: "missing target value (empty cell)")
    ) { try Dataset<Int>(csv: "a,y\n1,0\n2,\n", target: "y", missingValues: .allowAsNaN) }
    #expect(
      throws: LearnError.malformedCSV(line: 2, column: "y", reason: "missing target value ('NA')")
    ) { try Dataset<Double>(csv: "a,y\n1,NA\n", target: "y", missingValues: .allowAsNaN) }
  }

  @Test func badRegressionTargets() {
    #expect(
      throws: LearnError.malformedCSV(line: 3, column: "y", reason: "'big' is not a number")
    ) { try Dataset<Double>(csv: "a,y\n1,2\n2,big\n", target: "y") }
    #expect(
      throws: LearnError.malformedCSV(
        line: 2, column: "y", reason: "non-finite value '-inf'; values must be finite numbers")
    ) { try Dataset<Double>(csv: "a,y\n1,-inf\n", target: "y") }
  }

  @Test func parseErrorsPassThroughDatasetReading() {
    #expect(
      throws: LearnError.malformedCSV(
        line: 2, column: nil, reason: "expected 2 fields as in the header, found 1")
    ) { try Dataset<Int>(csv: "a,y\n1\n", target: "y") }
    #expect(throws: LearnError.malformedCSV(line: 1, column: nil, reason: "the file is empty: no header")) {
      try Dataset<Double>(csv: "", target: "y")
    }
  }

  // MARK: Writing

  @Test func writesFeaturesThenTarget() throws {
    let data = try Dataset<Int>(
      x: try Matrix([[0.1, 2], [3, -0.0]]), y: [1, 0], featureNames: ["p", "q"],
      targetName: "kind", classNames: [0: "cat", 1: "dog, large"])
    #expect(data.csvText() == "p,q,kind\n0.1,2.0,\"dog, large\"\n3.0,-0.0,cat\n")
    let regression = try Dataset<Double>(x: Matrix(column: [1]), y: [1e-300], targetName: "t")
    #expect(regression.csvText() == "x0,t\n1.0,1e-300\n")
  }

  @Test func classificationRoundTripThroughFile() throws {
    let x = try Matrix([[0.1, 1.0 / 3.0], [-2.5e-8, 123456789.125], [Double.pi, -0.0]])
    let original = try Dataset<Int>(
      x: x, y: [2, 0, 1], featureNames: ["alpha", "beta \"b\""], targetName: "class",
      classNames: [0: "apple", 1: "banana, ripe", 2: "cherry"])
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("learn-csv-\(UUID().uuidString).csv").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try original.writeCSV(to: path)
    let back = try Dataset<Int>.readCSV(path, target: "class")
    #expect(back.x == original.x)
    #expect(back.y == original.y)
    #expect(back.featureNames == original.featureNames)
    #expect(back.targetName == original.targetName)
    #expect(back.classNames == original.classNames)
  }

  @Test func regressionRoundTripThroughFile() throws {
    let x = try Matrix([[1e300, Double.leastNonzeroMagnitude], [0.2, 0.30000000000000004]])
    let original = try Dataset<Double>(
      x: x, y: [0.1 + 0.2, -7], featureNames: ["a", "b"], targetName: "y")
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("learn-csv-\(UUID().uuidString).csv").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try original.writeCSV(to: path)
    let back = try Dataset<Double>.readCSV(path, target: "y")
    #expect(back.x == original.x)
    #expect(back.y == original.y)
    #expect(back.featureNames == original.featureNames)
    #expect(back.classNames.isEmpty)
  }

  @Test func tableRoundTripThroughFileWithSeparator() throws {
    let table = CSVTable(header: ["a", "b;c"], rows: [["1", "x\ny"], ["", "\"q\""]])
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("learn-csv-\(UUID().uuidString).csv").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try table.write(to: path, separator: ";")
    let back = try CSVTable(contentsOf: path, separator: ";")
    #expect(back.header == table.header)
    #expect(back.rows == table.rows)
    #expect(back.lineNumbers == [2, 4])
  }
}

/// The one `classWeight` row every classifier shares.
@Suite struct ClassWeightRowTests {
  struct Holder { var weight: ClassWeight = .uniform }

  @Test func oneSyntaxReadsAndWritesBack() throws {
    let row = Hyperparameter<Holder>.classWeight("classWeight", \.weight)
    var holder = Holder()
    for (text, expected) in [("balanced", ClassWeight.balanced), (" 2:0.5 , 0:3 ", .custom([0: 3, 2: 0.5])), ("uniform", .uniform)] {
      try row.write(&holder, .string(text))
      #expect(holder.weight == expected)
      // What is read back writes the same weights again.
      let read = row.read(holder)
      try row.write(&holder, read)
      #expect(holder.weight == expected, "\(text) → \(read)")
    }
    #expect(row.read(Holder(weight: .custom([3: 2.5, 0: 1]))) == "0:1.0,3:2.5")
    #expect(row.read(Holder()) == ParameterValue.none)
    for bad in ["0:-1", "a:1", "0:1,0:2", "", "{0: 1}", "0:inf", "0:1:2"] {
      #expect(throws: HyperparameterRejection.self) { try row.write(&holder, .string(bad)) }
    }
  }
}

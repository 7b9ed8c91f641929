import Foundation
import LinearAlgebra
import Testing

@Suite struct PackedArrayTests {
  @Test func packedArraysAreStandardBase64OfLittleEndianBytesAndRoundTripEveryBit() {
    var generator = Xoshiro256StarStar(seed: 7)
    for count in [0, 1, 2, 3, 5, 64, 1001] {
      let values = (0..<count).map { _ in Double(bitPattern: generator.next()) } + [-0.0, .nan, .infinity]
      let text = PackedArray.encode(values)
      var bytes = Data()
      for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
      #expect(text == bytes.base64EncodedString())
      #expect(PackedArray.doubles(text)?.map(\.bitPattern) == values.map(\.bitPattern))
      let ints = (0..<count).map { _ in Int(bitPattern: UInt(generator.next())) }
      #expect(PackedArray.ints(PackedArray.encode(ints)) == ints)
    }
  }

  @Test func textThatIsNotWholePackedElementsIsRefused() {
    let text = PackedArray.encode([1.0, 2.0])
    #expect(PackedArray.doubles(String(text.dropLast())) == nil)
    #expect(PackedArray.doubles(text.replacingOccurrences(of: "A", with: "*")) == nil)
    #expect(PackedArray.doubles("AAAA") == nil)  // 3 bytes
    #expect(PackedArray.doubles("=AAAAAAAAAA=") == nil)
    #expect(PackedArray.doubles("") == [])
  }
}

extension Matrix {
  /// Row `i` as an array.
  public func row(_ i: Int) -> [Double] {
    precondition(i >= 0 && i < rowCount, "row \(i) out of range 0..<\(rowCount)")
    let start = i &* columnCount
    return Array(storage[start ..< start &+ columnCount])
  }

  /// Column `j` as an array.
  public func column(_ j: Int) -> [Double] {
    precondition(j >= 0 && j < columnCount, "column \(j) out of range 0..<\(columnCount)")
    return withUnsafeBufferPointer { p in
      (0..<rowCount).map { p[$0 &* columnCount &+ j] }
    }
  }

  /// A new matrix made of the given rows, in the given order (repeats allowed): a fold's samples.
  public func rows<Indices: Collection<Int>>(at indices: Indices) -> Matrix {
    var result = Matrix(rowCount: indices.count, columnCount: columnCount)
    let width = columnCount
    withUnsafeBufferPointer { source in
      result.withUnsafeMutableBufferPointer { target in
        var out = 0
        for i in indices {
          precondition(i >= 0 && i < rowCount, "row \(i) out of range 0..<\(rowCount)")
          let from = source.baseAddress! + i &* width
          (target.baseAddress! + out).update(from: from, count: width)
          out &+= width
        }
      }
    }
    return result
  }

  /// A new matrix made of the given columns, in the given order.
  public func columns<Indices: Collection<Int>>(at indices: Indices) -> Matrix {
    let picked = Array(indices)
    for j in picked { precondition(j >= 0 && j < columnCount, "column \(j) out of range 0..<\(columnCount)") }
    var result = Matrix(rowCount: rowCount, columnCount: picked.count)
    let width = columnCount, newWidth = picked.count
    withUnsafeBufferPointer { source in
      result.withUnsafeMutableBufferPointer { target in
        for i in 0..<rowCount {
          for (k, j) in picked.enumerated() { target[i &* newWidth &+ k] = source[i &* width &+ j] }
        }
      }
    }
    return result
  }

  /// The transpose, computed in cache-sized tiles.
  public func transposed() -> Matrix {
    var result = Matrix(rowCount: columnCount, columnCount: rowCount)
    let m = rowCount, n = columnCount, tile = 32
    withUnsafeBufferPointer { a in
      result.withUnsafeMutableBufferPointer { t in
        var i0 = 0
        while i0 < m {
          let i1 = Swift.min(i0 + tile, m)
          var j0 = 0
          while j0 < n {
            let j1 = Swift.min(j0 + tile, n)
            for i in i0..<i1 {
              for j in j0..<j1 { t[j &* m &+ i] = a[i &* n &+ j] }
            }
            j0 = j1
          }
          i0 = i1
        }
      }
    }
    return result
  }

  /// The rows of `self` followed by the rows of `other`; throws when column counts differ.
  public func appendingRows(of other: Matrix) throws(LinearAlgebraError) -> Matrix {
    guard other.columnCount == columnCount || isEmpty else {
      throw .dimensionMismatch("cannot stack \(other.columnCount) columns under \(columnCount)")
    }
    return try Matrix(rowCount: rowCount + other.rowCount, columnCount: other.columnCount,
                      elements: storage + other.storage)
  }
}

extension Matrix {
  /// The columns of every matrix side by side, in order (numpy's `hstack`); throws when the row
  /// counts differ. An empty list gives a 0 × 0 matrix.
  public static func concatenatingColumns(_ parts: [Matrix]) throws(LinearAlgebraError) -> Matrix {
    guard let rows = parts.first?.rowCount else { return Matrix(rowCount: 0, columnCount: 0) }
    for part in parts where part.rowCount != rows {
      throw .dimensionMismatch("cannot place \(part.rowCount) rows beside \(rows)")
    }
    let width = parts.reduce(0) { $0 + $1.columnCount }
    var result = Matrix(rowCount: rows, columnCount: width)
    var offset = 0
    for part in parts {
      let w = part.columnCount
      part.withUnsafeBufferPointer { source in
        result.withUnsafeMutableBufferPointer { target in
          for i in 0..<rows {
            for j in 0..<w { target[i &* width &+ offset &+ j] = source[i &* w &+ j] }
          }
        }
      }
      offset += w
    }
    return result
  }
}

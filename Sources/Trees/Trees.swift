// The Trees module: CART decision trees, random forests and extra trees.
import LearnCore
import LinearAlgebra

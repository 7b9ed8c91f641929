// The LinearModels module: linear and logistic regression, ridge, lasso and elastic net, SGD.
import LearnCore
import LinearAlgebra

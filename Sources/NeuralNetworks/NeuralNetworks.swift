// The NeuralNetworks module: multilayer perceptrons.
import LearnCore
import LinearAlgebra

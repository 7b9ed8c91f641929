// The umbrella module: `import Learn` brings in every part of the library.
@_exported import LinearAlgebra
@_exported import LearnCore
@_exported import Preprocessing
@_exported import LinearModels
@_exported import SupportVectorMachines
@_exported import Trees
@_exported import NeuralNetworks
@_exported import ModelSelection

// The Preprocessing module: scalers, encoders, imputers and pipelines (the Selection basics
// issue). Until those land it only brings in the core types its transformers build on.
import LearnCore
import LinearAlgebra

// The SupportVectorMachines module: SVC, SVR and LinearSVC.
import LearnCore
import LinearAlgebra

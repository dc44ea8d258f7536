// The Layers API: Keras-style models on facegpu engines.
export { layers, Layer, Dense, Recurrent, Bidirectional, Dropout, Masking, InputLayer, TimeDistributed, DENSE_ACTIVATIONS } from './layers/index.js';
export type { LayerShape, Weight, DenseActivation, DenseOptions, RecurrentOptions, BidirectionalOptions, DropoutOptions, MaskingOptions, InputLayerOptions } from './layers/index.js';
export { Sequential, sequential } from './sequential.js';
export type { SequentialOptions, SequentialPredictOptions, CompileOptions, FitOptions, History, EpochLogs, EvaluateResult, WeightsArtifacts, ModelArtifacts, LossName } from './sequential.js';
export { optimizers, Adam, SGD, type Optimizer, type AdamOptions, type SgdOptions } from './optimizers.js';
export { initialize, toInitializer, type Initializer, type InitializerName, type InitializerSpec } from './initializers.js';
export { Rng } from './rng.js';
export type { DataInput, HostData, NestedArray } from './data.js';
export { loadModelFromArtifacts, loadModel, modelFromTopology, type LoadModelOptions } from './keras-loader.js';

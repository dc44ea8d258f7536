// Layer factories, Keras / tfjs-layers style: layers.lstm({ units: 64, returnSequences: true }), ...
import { Dense, type DenseOptions } from './dense.js';
import { Dropout, InputLayer, Masking, TimeDistributed, type DropoutOptions, type InputLayerOptions, type MaskingOptions } from './misc.js';
import { Recurrent, type RecurrentOptions } from './recurrent.js';
import { Bidirectional, type BidirectionalOptions } from './bidirectional.js';

export { Layer, type LayerShape, type Weight } from './layer.js';
export { Dense, DENSE_ACTIVATIONS, type DenseActivation, type DenseOptions } from './dense.js';
export { Recurrent, type RecurrentOptions } from './recurrent.js';
export { Bidirectional, type BidirectionalOptions } from './bidirectional.js';
export { Dropout, InputLayer, Masking, TimeDistributed, type DropoutOptions, type InputLayerOptions, type MaskingOptions } from './misc.js';

export const layers = {
  /** Keras LSTM (gates i, f, c, o; unit_forget_bias; sigmoid recurrent activation by default). */
  lstm: (options: RecurrentOptions): Recurrent => new Recurrent('lstm', options),
  /** Keras GRU (resetAfter true by default, as Keras 2; false is the original GRU). */
  gru: (options: RecurrentOptions): Recurrent => new Recurrent('gru', options),
  /** Keras SimpleRNN. */
  simpleRnn: (options: RecurrentOptions): Recurrent => new Recurrent('simpleRnn', options),
  /** Keras Bidirectional around an LSTM / GRU / SimpleRNN; mergeMode concat (default), sum, mul or ave. */
  bidirectional: (options: BidirectionalOptions): Bidirectional => new Bidirectional(options),
  /** Keras Dense (softmax included). */
  dense: (options: DenseOptions): Dense => new Dense(options),
  /** Keras TimeDistributed around a Dense. */
  timeDistributed: (options: { layer: Dense; name?: string; inputShape?: (number | null)[] }): TimeDistributed => {
    const { layer, ...rest } = options ?? ({} as never);
    return new TimeDistributed(layer, rest);
  },
  /** Keras Dropout (identity at inference). */
  dropout: (options: DropoutOptions): Dropout => new Dropout(options),
  /** Keras Masking. */
  masking: (options?: MaskingOptions): Masking => new Masking(options),
  /** Keras InputLayer. */
  inputLayer: (options: InputLayerOptions): InputLayer => new InputLayer(options),
};

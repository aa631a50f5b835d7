"""Hints for the graded release, in words: where an exercise's hint in the self-study release holds code of its
solution, the graded release's package has this hint instead (``make release`` -> ``release/graded/``). A test
checks that no hint of the graded release shares a run of code with its solution.

    >>> GRADED_HINTS["10"]["q3"][:40]
    'Divide the logits by the temperature fir'
"""

GRADED_HINTS = {
    "02": {"q1": "Slide the kernel over every position where it fits entirely inside the image; at each one, multiply "
                 "the pixels under the kernel by the kernel's weights, element by element, and add them up. An image "
                 "of H x W and a kernel of kh x kw leave (H - kh + 1) x (W - kw + 1) positions."},
    "03": {"q2": "The predicted class of a digit is the position of the largest of its ten probabilities. Compare the "
                 "predicted classes with the labels, and turn the share that agree into a percentage.",
           "q3": "Follow the table of layers from top to bottom in a Sequential model, starting from an Input of one "
                 "28 x 28 grey image; read each layer's filters, kernel size, pooling and activation off the table. "
                 "Then build `my_cnn` with your function and train it with the notebook's recipe."},
    "04": {"q1": "Each window starts `step` values after the one before, and the last start must leave room for the "
                 "window and for the value `horizon` steps after its end. The target of a window is that value.",
           "q2": "The notebook's `stacked_gru` with LSTM layers in place of the GRUs: the first recurrent layer must "
                 "hand its whole sequence of states to the second, and one linear unit gives the forecast.",
           "q3": "Keras stacks the weights of the three parts (update gate z, reset gate r, candidate h) side by side "
                 "along the last axis, in that order: cut each stacked array into three equal parts. The reset gate "
                 "multiplies the old state before it meets the recurrent weights of the candidate."},
    "05": {"q1": "Make a random generator from the seed, draw normal noise with standard deviation `std` in the "
                 "images' shape, add it, and clip the result back into the range of valid pixels.",
           "q2": "The notebook's `dense_autoencoder` with one layer more: Keras' Gaussian noise layer right after the "
                 "input, with `noise_std` as its standard deviation, and the code of width `bottleneck`."},
    "06": {"q1": "The variance is the exponential of log_var. Per latent dimension add one, the log-variance, minus "
                 "the squared mean, minus the variance; sum over the last axis and multiply by minus one half. Work "
                 "in `keras.ops`, so the function runs on tensors."},
    "07": {"q1": "From logits, Keras' binary cross-entropy measures how far D is from a label. The loss is its value "
                 "for the real logits against the label 1 plus its value for the generated logits against the label "
                 "0.",
           "q2": "Give each sample the class with its largest probability, count the samples per class (a class "
                 "nobody is given counts 0), and divide by the number of samples."},
    "08": {"q3": "F is two 3x3 convolutions that keep the size, the first with a ReLU and the second without. The "
                 "shortcut is the input itself, or a 1x1 convolution of it when its channels differ from `filters`. "
                 "Add the two and apply the ReLU after the addition."},
    "09": {"q2": "Build the dataset from the arrays; convert each image to floats in [0, 1] with a channel axis; cache "
                 "the converted images, then shuffle with the seed, batch, and prefetch. Finally turn autotuning off "
                 "with the dataset's options."},
    "10": {"q1": "Count every pair (previous id, next id) of the training ids in a vocabulary x vocabulary table, add "
                 "one to every count, and turn each row into probabilities. The answer is the mean of minus log2 of "
                 "the probability of each test character given the one before it.",
           "q2": "The notebook's `char_lstm` with a GRU in place of the LSTM: integer ids of any length in, an "
                 "embedding, a recurrent layer that returns its whole sequence, and one logit per id at every step.",
           "q3": "Divide the logits by the temperature first, then take the softmax over the last axis. Subtract the "
                 "largest value of each row before the exponential, so that large logits do not overflow."},
    "11": {"q2": "Each score is the dot product of a query with a key. Turn each query's scores into weights with a "
                 "softmax over the input positions, then mix the values with those weights.",
           "q3": "Start from the notebook's `translator` with attention and change only the attention layer: the "
                 "additive kind, with the decoder's states as the query and the encoder's as the value."},
    "12": {"q1": "For every start where the kernel fits, multiply the window of k steps and all channels by the "
                 "kernel, element by element, and sum over steps and channels: one number per filter. Add each "
                 "filter's bias.",
           "q2": "Read the layers of the exercise's list in order: an Input of one window (steps by channels), two 1D "
                 "convolutions that keep the length, with a pooling that halves it in between, a global max pooling, "
                 "and a softmax over the classes."},
    "13": {"q1": "One mean and one standard deviation per colour channel, from the training images only: reduce over "
                 "every axis but the last. Broadcasting then applies them to every pixel of `images`.",
           "q2": "Two blocks of convolution, batch normalisation and max pooling (the second with twice the "
                 "filters), then flatten and one dense layer of `n_classes` units without an activation: logits."},
    "14": {"q1": "Flatten both arrays. For each class, count the pixels that both arrays give that class (the "
                 "intersection) and those that either gives it (the union), and divide; where the union is empty the "
                 "class has no IoU: NaN, not zero.",
           "q3": "Use the functional API: keep the first convolution's output in a variable, since the concatenation "
                 "needs it again after the pooling, the dilated convolution and the transposed convolution; end with "
                 "one more 3 x 3 convolution and a 1 x 1 convolution giving `n_classes` logits per pixel."},
    "15": {"q1": "Pair every box of the first array with every box of the second by broadcasting. The overlap runs from "
                 "the larger left edge to the smaller right edge, and likewise for top and bottom; a negative side means "
                 "no overlap. Divide the overlap's area by the two areas added up minus the overlap.",
           "q2": "Go through the boxes from the best score down. Keep a box unless it overlaps a box you have already "
                 "kept by more than the threshold; boxes you dropped suppress nothing. Return the kept indices in the "
                 "order you kept them.",
           "q3": "A Sequential model for one grey 32 x 32 scene: three rounds of a 3 x 3 convolution that keeps the size, "
                 "with ReLU, followed by a 2 x 2 max pooling (the filters as the table says), then a 1 x 1 convolution "
                 "with one filter per number a cell predicts and no activation."},
    "16": {"q1": "Flatten images and targets to one row of pixels each. The squared distance between two rows is the sum "
                 "of their squares minus twice their product; one matrix product gives every image against every "
                 "target. For each image take the target where that is smallest, and return the target images, not "
                 "their positions.",
           "q2": "The critic's loss: the average squared distance of the real scores from one plus the average "
                 "square of the fake scores, that sum halved. The translator's loss: the average squared distance of "
                 "the fake scores from one, not halved. Return both as plain floats.",
           "q3": "A Sequential model for one grey 28 x 28 image: three rounds of a 4 x 4 convolution with stride 2 "
                 "that pads to keep the size rounded up, each followed by a leaky ReLU layer with slope 0.2 (the filters "
                 "double each round), then a 3 x 3 convolution to a single score per cell with no activation."}
}

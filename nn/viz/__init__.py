"""Pictures of networks: the network diagram (:mod:`nn.viz.diagram`) and training plots
(:mod:`nn.viz.plots`, which need matplotlib: ``pip install backproplab[plots]``)."""

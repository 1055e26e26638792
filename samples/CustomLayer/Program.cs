using HopSplit.Samples.CustomLayer;

// A model with a user-written layer (squeeze-and-excitation) costed by [LayerCost], planned and simulated.
return CustomLayerApp.Run(Console.Out);
